package dev.lakemill.spec;

import java.util.List;

/**
 * A {@code type = validate} step: evaluates the model a {@code train} step registered on its holdout,
 * applies gates, and on pass moves an alias to it.
 *
 * @param name step name
 * @param model the {@code train} step whose model is validated
 * @param metrics metrics reported (gated metrics are always computed)
 * @param gates gates, all of which must pass
 * @param promoteTo the alias moved to the model on pass, or null
 * @param at where the step was declared
 */
public record ValidateStepSpec(
    String name, String model, List<String> metrics, List<GateSpec> gates, String promoteTo, SourceLocation at)
    implements StepSpec {
  public ValidateStepSpec {
    metrics = metrics == null ? List.of() : List.copyOf(metrics);
    gates = gates == null ? List.of() : List.copyOf(gates);
  }

  @Override
  public List<String> inputs() {
    return model == null ? List.of() : List.of(model);
  }

  @Override
  public OutputSpec output() {
    return null;
  }
}
