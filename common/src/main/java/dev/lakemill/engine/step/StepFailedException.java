package dev.lakemill.engine.step;

import dev.lakemill.error.LakemillException;

/**
 * A step failed ({@link Kind#RUN_FAILED}): the message names the step and says what to do; wraps the Spark or
 * Delta cause once. Built by {@link RunErrors}.
 */
public class StepFailedException extends LakemillException {
  private final String step;

  StepFailedException(String step, String message, Throwable cause) {
    super(Kind.RUN_FAILED, message, cause);
    this.step = step;
  }

  public String step() {
    return step;
  }
}
