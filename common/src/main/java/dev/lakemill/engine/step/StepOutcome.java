package dev.lakemill.engine.step;

import dev.lakemill.ledger.ExpectationCount;
import java.util.List;

/**
 * What running one step produced; the runner adds timing, inputs and fingerprint for the ledger.
 *
 * @param outputVersion Delta version written, or the model version for train and validate steps, or -1
 */
public record StepOutcome(long outputVersion, long rowsIn, long rowsOut, long rowsQuarantined,
    List<ExpectationCount> expectations) {
  public StepOutcome {
    expectations = List.copyOf(expectations);
  }
}
