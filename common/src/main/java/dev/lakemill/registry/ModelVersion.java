package dev.lakemill.registry;

import dev.lakemill.delta.InputVersion;
import dev.lakemill.spec.SplitSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One registered model version: everything needed to trust, compare, serve and reproduce it.
 *
 * @param name model name
 * @param version 1, 2, ... per name; 0 in a draft not yet registered
 * @param runId the run that trained it
 * @param pipeline pipeline name
 * @param step train step name
 * @param createdAt registration time
 * @param estimatorClass the estimator's class
 * @param problemType classification, regression, clustering or other
 * @param params the estimator's effective parameters (defaults, declared, and the tuned best), as JSON values
 * @param tuningMetric the metric tuning compared, or empty
 * @param tuning every tuning candidate with its average metric
 * @param metrics metrics on the holdout
 * @param label label column
 * @param featureColumns raw columns the model reads
 * @param dataInput the input the model was fitted on (step or source name)
 * @param lineage every input with the Delta version read, back to the sources (-1: not a Delta table)
 * @param holdoutLocation the holdout table
 * @param holdoutVersion the holdout's Delta version
 * @param split the split rule, e.g. {@code test-fraction=0.2 seed=42}
 * @param fingerprint the train step's fingerprint in the ledger
 * @param definition the features and train steps' canonical config, as JSON: what {@code reproduce} reruns
 * @param lakemillVersion lakemill version
 * @param sparkVersion Spark version
 * @param modelPath where the fitted PipelineModel is saved
 */
public record ModelVersion(
    String name,
    int version,
    String runId,
    String pipeline,
    String step,
    Instant createdAt,
    String estimatorClass,
    String problemType,
    Map<String, String> params,
    String tuningMetric,
    List<TuningResult> tuning,
    Map<String, Double> metrics,
    String label,
    List<String> featureColumns,
    String dataInput,
    List<InputVersion> lineage,
    String holdoutLocation,
    long holdoutVersion,
    String split,
    String fingerprint,
    String definition,
    String lakemillVersion,
    String sparkVersion,
    String modelPath) {
  public ModelVersion {
    params = Map.copyOf(params);
    tuning = List.copyOf(tuning);
    metrics = Map.copyOf(metrics);
    featureColumns = List.copyOf(featureColumns);
    lineage = List.copyOf(lineage);
  }

  public ModelVersion withVersion(int v, Instant at) {
    return new ModelVersion(name, v, runId, pipeline, step, at, estimatorClass, problemType, params, tuningMetric, tuning,
        metrics, label, featureColumns, dataInput, lineage, holdoutLocation, holdoutVersion, split, fingerprint,
        definition, lakemillVersion, sparkVersion, modelPath);
  }

  /** {@code name@vN}. */
  public String ref() {
    return name + "@v" + version;
  }

  /**
   * The split rule that {@link #split} records, to re-derive the holdout from the input (see
   * {@code TrainStepRunner.testRows}); empty when the text is not one {@link SplitSpec#describe} writes.
   */
  public Optional<SplitSpec> splitRule() {
    return SplitSpec.parse(split);
  }

  /** The lineage entry of the input the model was fitted on. */
  public InputVersion dataVersion() {
    return lineage.stream().filter(i -> i.name().equals(dataInput)).findFirst().orElse(null);
  }
}
