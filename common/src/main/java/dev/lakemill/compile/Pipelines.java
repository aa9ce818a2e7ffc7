package dev.lakemill.compile;

import com.typesafe.config.Config;
import dev.lakemill.error.PipelineConfigException;
import dev.lakemill.error.PipelineErrors;
import dev.lakemill.error.Problem;
import dev.lakemill.load.PipelineConfigLoader;
import dev.lakemill.load.SpecBinder;
import dev.lakemill.spec.PipelineSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The front end in its fixed order: load → bind → validate. Every problem of every phase that could
 * run is reported together in one {@link PipelineConfigException}.
 */
public final class Pipelines {
  private Pipelines() {}

  /** @throws PipelineConfigException with every problem found */
  public static PipelineSpec load(Path file, Map<String, String> params, SqlAnalyzer analyzer, MlCatalog catalog) {
    Config config = PipelineConfigLoader.load(file, params);
    List<Problem> problems = new ArrayList<>();
    PipelineSpec spec = new SpecBinder(file.toString(), problems).bind(config);
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

  private static List<String> mlTypes(PipelineSpec spec) {
    List<String> types = new ArrayList<>();
    for (dev.lakemill.spec.StepSpec step : spec.steps()) {
      if (step instanceof dev.lakemill.spec.FeaturesStepSpec f) {
        f.stages().forEach(s -> types.add(s.type()));
      } else if (step instanceof dev.lakemill.spec.TrainStepSpec t && t.estimator() != null) {
        types.add(t.estimator().type());
      }
    }
    return types;
  }
}
