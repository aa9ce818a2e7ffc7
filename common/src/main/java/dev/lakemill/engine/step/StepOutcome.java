package dev.lakemill.engine.step;

import dev.lakemill.ledger.ExpectationCount;
import java.util.List;

/**
 * What running one step produced; the runner adds timing, inputs and fingerprint for the ledger.
 *
 * @param outputVersion Delta version written, or the model version for train and validate steps, or -1
 * @param outputName what the ledger shows as output instead of the output table (e.g. {@code model
 *     churn}), or null
 */
public record StepOutcome(long outputVersion, long rowsIn, long rowsOut, long rowsQuarantined,
    List<ExpectationCount> expectations, String outputName) {
  public StepOutcome(long outputVersion, long rowsIn, long rowsOut, long rowsQuarantined, List<ExpectationCount> expectations) {
    this(outputVersion, rowsIn, rowsOut, rowsQuarantined, expectations, null);
  }
}
