package dev.lakemill.jobs;

import dev.lakemill.compile.PipelineCompiler;
import dev.lakemill.engine.SparkSessions;
import dev.lakemill.ops.Reproducer;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.plan.ProblemType;
import dev.lakemill.registry.ModelRegistry;
import dev.lakemill.registry.ModelVersion;
import dev.lakemill.settings.Environment;
import dev.lakemill.spec.ModelRef;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code lakemill reproduce churn@v3}: retrains a version from its recorded inputs and config. */
@Command(name = "reproduce", description = "Retrain a registered model version from the exact input versions and"
    + " config recorded for it, and compare its holdout metrics with the original's.")
final class ReproduceCommand implements Callable<Integer> {
  /** Metrics of a deterministic estimator retrained with the same seed agree to this. */
  static final double TOLERANCE = 1e-6;

  @Parameters(paramLabel = "MODEL", description = "name@vN or name@alias")
  String model;

  @Mixin
  PipelineOptions options;

  @Override
  public Integer call() {
    ModelRef ref = ModelRef.parse(model).orElseThrow(() -> CliErrors.badModelReference(model));
    Environment env = options.environment();
    SparkSession spark = SparkSessions.create(env, "lakemill reproduce");
    try {
      ModelRegistry registry = new ModelRegistry(spark,
          PipelineCompiler.resolveRoot(env.lakehouseRoot()) + "/" + PipelinePlan.LEDGER_FOLDER);
      ModelVersion original = registry.resolve(ref);
      System.out.printf("reproducing %s: %s on %s@v%d, holdout v%d, %s%n", original.ref(),
          original.estimatorClass().substring(original.estimatorClass().lastIndexOf('.') + 1), original.dataInput(),
          original.dataVersion() == null ? -1 : original.dataVersion().version(), original.holdoutVersion(),
          original.split());
      Reproducer.Reproduced again = new Reproducer(spark).reproduce(original, env);
      System.out.print(render(original, again.metrics()));
      return Lakemill.OK;
    } finally {
      SparkSessions.stop(spark);
    }
  }

  static String render(ModelVersion original, Map<String, Double> metrics) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-18s %12s %12s %12s%n", "metric", original.ref(),
        "reproduced", "difference"));
    boolean same = true;
    for (String metric : original.metrics().keySet().stream().sorted(ProblemType.METRIC_ORDER).toList()) {
      double before = original.metrics().get(metric);
      double after = metrics.getOrDefault(metric, Double.NaN);
      same &= Math.abs(before - after) <= TOLERANCE;
      out.append(String.format(Locale.ROOT, "%-18s %12.6f %12.6f %12.2e%n", metric, before, after, after - before));
    }
    out.append(same ? "identical to " + TOLERANCE + ": the recorded inputs and config reproduce " + original.ref() + "\n"
        : "metrics differ by more than " + TOLERANCE + ": the estimator is not deterministic, or its inputs changed"
            + " in place (see the lineage in lakemill models show " + original.ref() + ")\n");
    return out.toString();
  }
}
