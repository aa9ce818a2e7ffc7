package dev.lakemill.plan;

import dev.lakemill.spec.ModelRef;
import java.util.List;

/**
 * @param name step name
 * @param inputs the scored input first, then steps that must finish before the model reference is
 *     resolved (those that register or promote that model in this pipeline)
 * @param input the source or step scored
 * @param model the registered model
 * @param output the scores table
 * @param configHash hash of the step's canonical config
 */
public record ScoreStepPlan(String name, List<String> inputs, String input, ModelRef model, TablePlan output, String configHash)
    implements StepPlan {
  public ScoreStepPlan {
    inputs = List.copyOf(inputs);
  }

  @Override
  public <R> R accept(StepPlanVisitor<R> visitor) {
    return visitor.visitScore(this);
  }
}
