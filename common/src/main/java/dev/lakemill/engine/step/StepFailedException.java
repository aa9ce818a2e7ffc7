package dev.lakemill.engine.step;

/** A step failed: the message names the step and says what to do; wraps the Spark or Delta cause once. */
public class StepFailedException extends RuntimeException {
  private final String step;

  StepFailedException(String step, String message, Throwable cause) {
    super(message, cause);
    this.step = step;
  }

  public String step() {
    return step;
  }
}
