package dev.lakemill.engine;

import dev.lakemill.ledger.RunRecord;
import dev.lakemill.ledger.RunStatus;
import dev.lakemill.ledger.StepRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * What one invocation did.
 *
 * @param run the run's ledger record
 * @param steps the steps' ledger records
 * @param ledgerMillis time spent writing the ledger (its overhead on the run)
 * @param phases where the run's time went, in order (for {@code lakemill run --profile})
 */
public record RunResult(RunRecord run, List<StepRecord> steps, long ledgerMillis, List<Phase> phases) {
  public RunResult {
    steps = List.copyOf(steps);
    phases = List.copyOf(phases);
  }

  public RunResult(RunRecord run, List<StepRecord> steps, long ledgerMillis) {
    this(run, steps, ledgerMillis, List.of());
  }

  public boolean succeeded() {
    return run.status() == RunStatus.SUCCEEDED;
  }

  /** One phase of a run and its wall-clock time. */
  public record Phase(String name, long millis) {}

  /** Times consecutive phases: each {@link #end} closes the phase that began at the previous one. */
  public static final class Phases {
    private final List<Phase> phases = new ArrayList<>();
    private long since = System.nanoTime();

    /** Ends the current phase, naming it, and starts the next. */
    public void end(String name) {
      long now = System.nanoTime();
      phases.add(new Phase(name, (now - since) / 1_000_000));
      since = now;
    }

    public List<Phase> list() {
      return List.copyOf(phases);
    }
  }
}
