package dev.lakemill.plan;

import dev.lakemill.spec.GateSpec;
import java.util.List;

/**
 * @param name step name
 * @param trainStep the train step whose model version is validated
 * @param modelName its registry name
 * @param problem its problem type
 * @param metrics metrics reported: the declared ones plus every gated one
 * @param gates gates, all of which must pass
 * @param promoteTo alias moved on pass, or null
 * @param configHash hash of the step's canonical config
 */
public record ValidateStepPlan(
    String name, String trainStep, String modelName, ProblemType problem, List<String> metrics, List<GateSpec> gates,
    String promoteTo, String configHash)
    implements StepPlan {
  public ValidateStepPlan {
    metrics = List.copyOf(metrics);
    gates = List.copyOf(gates);
  }

  @Override
  public List<String> inputs() {
    return List.of(trainStep);
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
    return promoteTo == null ? "gates model " + modelName : "promotes " + modelName + "@" + promoteTo;
  }

  @Override
  public <R> R accept(StepPlanVisitor<R> visitor) {
    return visitor.visitValidate(this);
  }
}
