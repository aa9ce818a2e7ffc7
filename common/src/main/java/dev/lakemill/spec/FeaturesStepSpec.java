package dev.lakemill.spec;

import java.util.List;

/**
 * A {@code type = features} step: an MLlib feature pipeline over one input.
 *
 * <p>A {@code train} step that reads it fits these stages together with its estimator, on the
 * training split only. With an {@code output}, the stages are also fitted on the whole input and the
 * transformed rows written as a feature table.
 *
 * @param name step name
 * @param input the source or step whose rows the stages transform
 * @param stages the stages, in order
 * @param output the feature table, or null
 * @param at where the step was declared
 */
public record FeaturesStepSpec(String name, String input, List<MlStageSpec> stages, OutputSpec output, SourceLocation at)
    implements StepSpec {
  public FeaturesStepSpec {
    stages = stages == null ? List.of() : List.copyOf(stages);
  }

  @Override
  public List<String> inputs() {
    return input == null ? List.of() : List.of(input);
  }
}
