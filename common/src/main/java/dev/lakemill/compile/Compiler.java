package dev.lakemill.compile;

import dev.lakemill.error.PipelineConfigException;
import dev.lakemill.error.PipelineErrors;
import dev.lakemill.error.Problem;
import dev.lakemill.load.PipelineConfigLoader;
import dev.lakemill.load.PipelineFiles;
import dev.lakemill.load.SpecBinder;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.settings.Environment;
import dev.lakemill.spec.FeaturesStepSpec;
import dev.lakemill.spec.PipelineSpec;
import dev.lakemill.spec.StepSpec;
import dev.lakemill.spec.TrainStepSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The one way from a pipeline file to a {@link PipelinePlan}, in fixed phases: load → bind →
 * validate ({@link #validate}), then compile ({@link #compile(PipelineSpec, Environment)}), or
 * all of them at once ({@link #compile(Path, Map, Environment)}). Every problem of every phase that
 * could run is reported together in one {@link PipelineConfigException}.
 *
 * <p>Built once with the checks it needs ({@link SqlAnalyzer}, {@link MlCatalog}); the Spark-backed
 * instance comes from {@code dev.lakemill.check.Checks.compiler()}. Neither check starts a
 * SparkSession.
 */
public final class Compiler {
  private final SqlAnalyzer analyzer;
  private final MlCatalog catalog;
  private final PipelineCompiler compiler;

  public Compiler(SqlAnalyzer analyzer, MlCatalog catalog) {
    this.analyzer = analyzer;
    this.catalog = catalog;
    this.compiler = new PipelineCompiler(analyzer, catalog);
  }

  /**
   * Loads, binds and validates a pipeline file; what {@code lakemill validate} does.
   *
   * @param params overrides of keys under {@code params}
   * @throws PipelineConfigException with every problem found
   */
  public PipelineSpec validate(Path file, Map<String, String> params) {
    return validate(file.toString(), params, PipelineFiles.LOCAL);
  }

  /**
   * {@link #validate(Path, Map)} of a file anywhere {@code files} reads (a local path or a URI such as
   * {@code hdfs://nn:8020/pipelines/churn.conf}); messages name the file as given.
   */
  public PipelineSpec validate(String file, Map<String, String> params, PipelineFiles files) {
    return validate(file, params, files, spec -> {});
  }

  /**
   * {@link #validate(String, Map, PipelineFiles)}, handing the spec to {@code bound} as soon as it is bound without
   * a problem, before its SQL, checks and stages are analysed (most of the work): what a command reads for the
   * pipeline (its ledger records) can be read meanwhile. The spec is not validated yet; use it to read, not to run.
   */
  public PipelineSpec validate(String file, Map<String, String> params, PipelineFiles files,
      Consumer<PipelineSpec> bound) {
    try {
      return check(file, params, files, bound);
    } catch (StackOverflowError e) {
      // Reading and binding recurse once per nesting level: thousands of levels are not a pipeline.
      throw PipelineErrors.tooDeep(file);
    }
  }

  private PipelineSpec check(String file, Map<String, String> params, PipelineFiles files,
      Consumer<PipelineSpec> bound) {
    PipelineConfigLoader.Loaded loaded = PipelineConfigLoader.read(file, params, files);
    List<Problem> problems = new ArrayList<>();
    PipelineSpec spec = new SpecBinder(file, problems).bind(loaded);
    if (problems.isEmpty()) {
      bound.accept(spec);
    }
    catalog.prefetch(mlTypes(spec));
    Set<String> unbound = new HashSet<>();
    for (Problem p : problems) {
      String[] parts = p.path().split("\\.");
      if (parts.length >= 2 && (parts[0].equals("sources") || parts[0].equals("steps"))) {
        unbound.add(parts[1]);
      }
    }
    problems.addAll(new PipelineValidator(analyzer, catalog).validate(spec, unbound));
    if (!problems.isEmpty()) {
      throw PipelineErrors.invalid(problems);
    }
    return spec;
  }

  /**
   * Compiles a spec that {@link #validate} returned into the plan for {@code env}.
   *
   * @param env where the pipeline runs
   */
  public PipelinePlan compile(PipelineSpec spec, Environment env) {
    return compiler.compile(spec, env);
  }

  /**
   * Validates a pipeline file and compiles it into the plan for {@code env}.
   *
   * @throws PipelineConfigException with every problem found
   */
  public PipelinePlan compile(Path file, Map<String, String> params, Environment env) {
    return compile(validate(file, params), env);
  }

  /** {@link #compile(Path, Map, Environment)} of a file anywhere {@code files} reads. */
  public PipelinePlan compile(String file, Map<String, String> params, Environment env, PipelineFiles files) {
    return compile(validate(file, params, files), env);
  }

  /** {@link #compile(String, Map, Environment, PipelineFiles)}, with {@code bound} as in {@link #validate(String, Map, PipelineFiles, Consumer)}. */
  public PipelinePlan compile(String file, Map<String, String> params, Environment env, PipelineFiles files,
      Consumer<PipelineSpec> bound) {
    return compile(validate(file, params, files, bound), env);
  }

  private static List<String> mlTypes(PipelineSpec spec) {
    List<String> types = new ArrayList<>();
    for (StepSpec step : spec.steps()) {
      if (step instanceof FeaturesStepSpec f) {
        f.stages().forEach(s -> types.add(s.type()));
      } else if (step instanceof TrainStepSpec t && t.estimator() != null) {
        types.add(t.estimator().type());
      }
    }
    return types;
  }
}
