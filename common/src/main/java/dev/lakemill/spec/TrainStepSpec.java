package dev.lakemill.spec;

import java.util.List;

/**
 * A {@code type = train} step: fits one MLlib Pipeline (the input's feature stages, then the
 * estimator) on the training split, optionally tuned, evaluates it on the held-out split and
 * registers it.
 *
 * @param name step name
 * @param input a {@code features} step (its stages join the pipeline and its input is the data), or
 *     a source or step whose rows already hold the features
 * @param label the label column
 * @param split how the test rows are held out
 * @param estimator the MLlib estimator
 * @param tuning the search, or null for a single fit
 * @param registerAs the model name in the registry, or null to use the step name
 * @param at where the step was declared
 */
public record TrainStepSpec(
    String name,
    String input,
    String label,
    SplitSpec split,
    MlStageSpec estimator,
    TuningSpec tuning,
    String registerAs,
    SourceLocation at)
    implements StepSpec {
  @Override
  public List<String> inputs() {
    return input == null ? List.of() : List.of(input);
  }

  @Override
  public OutputSpec output() {
    return null;
  }

  /** The registry name of the models this step trains. */
  public String modelName() {
    return registerAs == null ? name : registerAs;
  }
}
