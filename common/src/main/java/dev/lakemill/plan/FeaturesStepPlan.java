package dev.lakemill.plan;

import java.util.List;

/**
 * @param name step name
 * @param input the source or step transformed
 * @param stages MLlib stages in order
 * @param output the feature table, or null when only train steps use the stages
 * @param configHash hash of the step's canonical config
 */
public record FeaturesStepPlan(String name, String input, List<MlStagePlan> stages, TablePlan output, String configHash)
    implements StepPlan {
  public FeaturesStepPlan {
    stages = List.copyOf(stages);
  }

  @Override
  public List<String> inputs() {
    return List.of(input);
  }

  @Override
  public <R> R accept(StepPlanVisitor<R> visitor) {
    return visitor.visitFeatures(this);
  }
}
