package dev.lakemill.compile;

import dev.lakemill.compile.plan.ExpectationPlan;
import dev.lakemill.compile.plan.PipelinePlan;
import dev.lakemill.compile.plan.SourcePlan;
import dev.lakemill.compile.plan.SqlStepPlan;
import dev.lakemill.compile.plan.StepPlan;
import dev.lakemill.compile.plan.TablePlan;
import dev.lakemill.config.Environment;
import dev.lakemill.spec.ExpectationSpec;
import dev.lakemill.spec.OutputSpec;
import dev.lakemill.spec.PipelineSpec;
import dev.lakemill.spec.SourceSpec;
import dev.lakemill.spec.SqlStepSpec;
import dev.lakemill.spec.StepSpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/** Compiles a valid {@link PipelineSpec} into an immutable {@link PipelinePlan}. */
public final class PipelineCompiler {
  private final SqlAnalyzer analyzer;

  public PipelineCompiler(SqlAnalyzer analyzer) {
    this.analyzer = analyzer;
  }

  /**
   * @param spec a spec that {@link Pipelines#load} returned, so already validated: the compiler
   *     resolves names and paths but does not check them again
   * @param env where the pipeline runs
   */
  public PipelinePlan compile(PipelineSpec spec, Environment env) {
    String root = resolveRoot(env.lakehouseRoot());
    Path folder = Path.of(spec.file()).toAbsolutePath().getParent();
    List<SourcePlan> sources = spec.sources().stream().map(s -> source(s, folder, root)).toList();
    Dependencies deps = new Dependencies(spec, analyzer);
    List<StepPlan> steps = new ArrayList<>();
    for (String name : deps.topologicalOrder(spec.steps().stream().map(StepSpec::name).toList())) {
      StepSpec step = spec.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
      steps.add(step(step, deps.inputs().get(name), sha256(spec.canonicalSteps().get(name)), root));
    }
    return new PipelinePlan(spec.info().name(), spec.file(), spec.info().description(), spec.params(), root, sources, steps);
  }

  private static StepPlan step(StepSpec step, List<String> inputs, String hash, String root) {
    SqlStepSpec sql = (SqlStepSpec) step;
    List<ExpectationPlan> expectations = sql.expectations().stream().map(PipelineCompiler::expectation).toList();
    return new SqlStepPlan(sql.name(), sql.sql(), sql.sqlAt(), inputs, expectations, table(sql.output(), root), hash);
  }

  private static ExpectationPlan expectation(ExpectationSpec e) {
    if (e.check() != null) {
      return new ExpectationPlan(e.name(), "check", e.check(), List.of(), e.onViolation());
    }
    if (!e.unique().isEmpty()) {
      return new ExpectationPlan(e.name(), "unique", null, e.unique(), e.onViolation());
    }
    String condition = e.notNull().stream().map(c -> "`" + c + "` IS NOT NULL").collect(Collectors.joining(" AND "));
    return new ExpectationPlan(e.name(), "not-null", condition, e.notNull(), e.onViolation());
  }

  private static TablePlan table(OutputSpec out, String root) {
    if (out == null) {
      return null;
    }
    return new TablePlan(out.table(), tableLocation(root, out.table()), out.mode(), out.mergeKeys(), out.partitionBy());
  }

  private static SourcePlan source(SourceSpec s, Path folder, String root) {
    String location = null;
    if (s.table() != null) {
      location = tableLocation(root, s.table());
    } else if (s.path() != null) {
      location = hasScheme(s.path()) ? s.path() : folder.resolve(s.path()).normalize().toString();
    }
    String generator = s.generator();
    String declaration = s.format() + "|" + s.path() + "|" + s.table() + "|" + s.schema() + "|" + new java.util.TreeMap<>(s.options())
        + "|" + s.versionAsOf() + "|" + s.timestampAsOf() + "|" + generator + "|" + new java.util.TreeMap<>(s.generatorOptions());
    return new SourcePlan(s.name(), s.format(), location, s.schema(), s.options(), s.versionAsOf(), s.timestampAsOf(),
        generator, s.generatorOptions(), sha256(declaration));
  }

  /** {@code <root>/schema/table}. */
  public static String tableLocation(String root, String table) {
    return root + "/" + table.replace('.', '/');
  }

  /** An absolute lakehouse root: a relative folder resolves against the working directory. */
  public static String resolveRoot(String root) {
    String trimmed = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    return hasScheme(trimmed) ? trimmed : Path.of(trimmed).toAbsolutePath().normalize().toString();
  }

  private static boolean hasScheme(String path) {
    try {
      URI uri = new URI(path);
      return uri.getScheme() != null && uri.getScheme().length() > 1;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  public static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
