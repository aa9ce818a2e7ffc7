package dev.lakemill.engine;

import dev.lakemill.ledger.RunRecord;
import dev.lakemill.ledger.RunStatus;
import dev.lakemill.ledger.StepRecord;
import java.util.List;

/**
 * What one invocation did.
 *
 * @param run the run's ledger record
 * @param steps the steps' ledger records
 * @param ledgerMillis time spent writing the ledger (its overhead on the run)
 */
public record RunResult(RunRecord run, List<StepRecord> steps, long ledgerMillis) {
  public RunResult {
    steps = List.copyOf(steps);
  }

  public boolean succeeded() {
    return run.status() == RunStatus.SUCCEEDED;
  }
}
