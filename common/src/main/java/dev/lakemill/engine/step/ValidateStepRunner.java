package dev.lakemill.engine.step;

import dev.lakemill.delta.DeltaIO;
import dev.lakemill.plan.ValidateStepPlan;
import dev.lakemill.registry.AliasAction;
import dev.lakemill.registry.AliasEvent;
import dev.lakemill.registry.GateResult;
import dev.lakemill.registry.ModelRegistry;
import dev.lakemill.registry.ModelVersion;
import dev.lakemill.registry.Validation;
import dev.lakemill.spec.GateSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Runs a {@code validate} step: checks each gate on the model version's holdout metrics, evaluating
 * the current champion on the same holdout version for relative gates, records the verdict in the
 * registry, and on pass moves the alias. On failure the version stays registered, unpromoted.
 */
public final class ValidateStepRunner {
  /** The alias relative gates compare against when the step promotes to no alias. */
  static final String DEFAULT_CHAMPION = "champion";

  private final SparkSession spark;
  private final ModelRegistry registry;
  private final String runId;
  private final java.util.function.Consumer<String> info;

  public ValidateStepRunner(SparkSession spark, ModelRegistry registry, String runId, java.util.function.Consumer<String> info) {
    this.spark = spark;
    this.registry = registry;
    this.runId = runId;
    this.info = info;
  }

  public void run(ValidateStepPlan step, int version) {
    ModelVersion challenger = registry.version(step.modelName(), version).orElseThrow(() -> new IllegalStateException(
        "Model " + step.modelName() + "@v" + version + " is not in the registry; rerun step " + step.trainStep()));
    String alias = step.promoteTo() == null ? DEFAULT_CHAMPION : step.promoteTo();
    Integer champion = registry.aliasesAt(step.modelName(), null).get(alias);
    Map<String, Double> championValues = new HashMap<>();
    List<GateResult> results = new ArrayList<>();
    for (GateSpec gate : step.gates()) {
      double value = challenger.metrics().getOrDefault(gate.metric(), Double.NaN);
      int against = 0;
      double championValue = Double.NaN;
      double bound = gate.threshold();
      if (gate.kind().againstChampion() && champion != null) {
        against = champion;
        championValue = championValues.computeIfAbsent(gate.metric(),
            m -> championOnHoldout(challenger, champion, m));
        bound = gate.kind() == GateSpec.Kind.AT_LEAST_CHAMPION_MINUS
            ? championValue - gate.threshold() : championValue + gate.threshold();
      }
      boolean passed;
      if (gate.kind().againstChampion() && champion == null) {
        passed = true;
      } else {
        boolean atLeast = gate.kind() == GateSpec.Kind.AT_LEAST || gate.kind() == GateSpec.Kind.AT_LEAST_CHAMPION_MINUS;
        passed = atLeast ? value >= bound : value <= bound;
      }
      results.add(new GateResult(gate.metric(), gate.kind().key(), gate.threshold(), value, bound, against,
          championValue, passed));
    }
    boolean passed = results.stream().allMatch(GateResult::passed);
    registry.recordValidation(new Validation(step.modelName(), version, runId, Instant.now(), results, passed));
    String metrics = step.metrics().stream()
        .map(m -> String.format(java.util.Locale.ROOT, "%s=%.4f", m, challenger.metrics().getOrDefault(m, Double.NaN)))
        .collect(Collectors.joining(", "));
    if (!passed) {
      throw new StepFailedException(step.name(), "Step '" + step.name() + "' failed: model " + challenger.ref()
          + " did not pass its gates: " + results.stream().map(GateResult::describe).collect(Collectors.joining("; "))
          + ". It stays registered, unpromoted" + (champion == null ? "" : "; " + alias + " stays v" + champion)
          + ". Holdout metrics: " + metrics, null);
    }
    if (step.promoteTo() != null && (champion == null || champion != version)) {
      registry.recordEvent(new AliasEvent(step.modelName(), AliasAction.PROMOTE, step.promoteTo(), version, Instant.now(),
          runId, "passed gates in step " + step.name()));
      info.accept(challenger.ref() + " is now " + step.modelName() + "@" + step.promoteTo() + " (" + metrics + ")");
    } else {
      info.accept(challenger.ref() + " passed its gates (" + metrics + ")");
    }
  }

  /** The champion's value of {@code metric} on the challenger's holdout, at the challenger's holdout version. */
  private double championOnHoldout(ModelVersion challenger, int championVersion, String metric) {
    ModelVersion champion = registry.version(challenger.name(), championVersion).orElseThrow();
    Dataset<Row> holdout = DeltaIO.read(spark, challenger.holdoutLocation(), challenger.holdoutVersion());
    Dataset<Row> predictions = PipelineModel.load(champion.modelPath()).transform(holdout)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return ModelMetrics.evaluator(metric, challenger.label()).evaluate(predictions);
    } finally {
      predictions.unpersist();
    }
  }
}
