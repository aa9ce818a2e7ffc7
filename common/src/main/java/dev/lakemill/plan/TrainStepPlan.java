package dev.lakemill.plan;

import dev.lakemill.spec.SplitSpec;
import dev.lakemill.spec.TuningSpec;
import java.util.List;

/**
 * @param name step name
 * @param inputs the features step (if any) and the data input
 * @param data the source or step whose rows are split and fitted on
 * @param featureStages the features step's stages (empty when the data already holds features): they
 *     and the estimator form one MLlib Pipeline
 * @param label label column
 * @param split the holdout rule
 * @param estimator the estimator
 * @param problem what the estimator predicts: decides the holdout metrics
 * @param tuning the search, or null for a single fit
 * @param modelName registry name
 * @param featureColumns the raw columns the pipeline reads (its first stages' input columns not
 *     produced by an earlier stage), recorded with the model and used by drift
 * @param definition the features and train steps' canonical configs as one JSON object keyed by step
 *     name: recorded with each model version so that it can be retrained exactly
 * @param configHash hash of the step's canonical config
 */
public record TrainStepPlan(
    String name,
    List<String> inputs,
    String data,
    List<MlStagePlan> featureStages,
    String label,
    SplitSpec split,
    MlStagePlan estimator,
    ProblemType problem,
    TuningSpec tuning,
    String modelName,
    List<String> featureColumns,
    String definition,
    String configHash)
    implements StepPlan {
  public TrainStepPlan {
    inputs = List.copyOf(inputs);
    featureStages = List.copyOf(featureStages);
    featureColumns = List.copyOf(featureColumns);
  }

  @Override
  public TablePlan output() {
    return null;
  }

  @Override
  public boolean isView() {
    return false;
  }

  @Override
  public String effect() {
    return "registers model " + modelName;
  }

  @Override
  public <R> R accept(StepPlanVisitor<R> visitor) {
    return visitor.visitTrain(this);
  }
}
