package dev.lakemill.spark;

import dev.lakemill.ledger.RunRecord;
import dev.lakemill.ledger.StepRecord;
import java.util.List;

/** What one invocation did: its ledger records. */
public record RunResult(RunRecord run, List<StepRecord> steps) {
  public RunResult {
    steps = List.copyOf(steps);
  }

  public boolean succeeded() {
    return StepRecord.SUCCEEDED.equals(run.status());
  }
}
