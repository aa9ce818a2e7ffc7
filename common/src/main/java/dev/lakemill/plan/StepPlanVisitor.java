package dev.lakemill.plan;

/** One method per step type; runners and renderers implement it. */
public interface StepPlanVisitor<R> {
  R visitSql(SqlStepPlan step);

  R visitFeatures(FeaturesStepPlan step);

  R visitTrain(TrainStepPlan step);

  R visitValidate(ValidateStepPlan step);

  R visitScore(ScoreStepPlan step);

  R visitDrift(DriftStepPlan step);
}
