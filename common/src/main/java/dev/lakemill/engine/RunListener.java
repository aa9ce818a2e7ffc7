package dev.lakemill.engine;

import dev.lakemill.ledger.StepRecord;

/** Progress of a run, for the CLI's one line per step. */
public interface RunListener {
  /** A step finished (succeeded or failed); {@code position} is 1-based among {@code total}. */
  void stepFinished(StepRecord step, int position, int total);

  /** A warning, such as a violated {@code warn} expectation. */
  void warning(String message);

  /** A notable result worth a line of its own, such as a registered or promoted model. */
  default void info(String message) {}

  RunListener NONE = new RunListener() {
    @Override
    public void stepFinished(StepRecord step, int position, int total) {}

    @Override
    public void warning(String message) {}
  };
}
