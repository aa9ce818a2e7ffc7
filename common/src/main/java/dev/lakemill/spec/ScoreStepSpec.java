package dev.lakemill.spec;

import java.util.List;

/**
 * A {@code type = score} step: batch inference of a registered model over one input.
 *
 * @param name step name
 * @param model the model, {@code name@alias} or {@code name@vN}, as written
 * @param input the source or step scored (raw rows: the model carries its own feature stages)
 * @param output the scores table
 * @param at where the step was declared
 */
public record ScoreStepSpec(String name, String model, String input, OutputSpec output, SourceLocation at)
    implements StepSpec {
  @Override
  public List<String> inputs() {
    return input == null ? List.of() : List.of(input);
  }
}
