package dev.lakemill.engine;

import dev.lakemill.delta.InputVersion;
import dev.lakemill.ledger.StepRecord;
import dev.lakemill.plan.StepPlan;
import java.util.List;

/**
 * What a run reports while it runs, for the CLI's progress lines: a step starts, a long step's
 * heartbeats, a step finished, warnings and notable results. Heartbeats arrive on another thread than
 * the other calls.
 */
public interface RunListener {
  /**
   * A step is about to run (not called for steps skipped as up to date).
   *
   * @param reads each input at the version it will be read (-1: not a Delta table)
   * @param position 1-based among {@code total}
   */
  default void stepStarted(StepPlan step, List<InputVersion> reads, int position, int total) {}

  /**
   * The running step {@code step} has run for {@code elapsedMillis}; see {@link StepProgress} for
   * when these come. Called on the heartbeat thread.
   */
  default void heartbeat(String step, long elapsedMillis, SparkProgress progress) {}

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

  /**
   * The Spark work of the running step so far: stages completed of those submitted, tasks finished
   * successfully of those of the submitted stages.
   */
  record SparkProgress(int stagesDone, int stagesSubmitted, int tasksDone, int tasksTotal) {}
}
