package dev.lakemill.error;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A pipeline definition (or the environment config) is invalid: every problem found, sorted by file and
 * line, one per line. Built by {@link PipelineErrors#invalid}.
 */
public class PipelineConfigException extends LakemillException {
  private final List<Problem> problems;

  public PipelineConfigException(List<Problem> problems) {
    super(Kind.INVALID_INPUT, render(problems));
    this.problems = problems.stream().sorted().toList();
  }

  public List<Problem> problems() {
    return problems;
  }

  private static String render(List<Problem> problems) {
    return problems.stream().sorted().map(Problem::toString).collect(Collectors.joining("\n"));
  }
}
