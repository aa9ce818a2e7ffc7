package dev.lakemill.ledger;

import java.time.Instant;
import java.util.List;

/**
 * One step of one run, as the ledger keeps it.
 *
 * @param runId run id
 * @param pipeline pipeline name
 * @param step step name
 * @param position 1-based position in execution order
 * @param status {@code succeeded}, {@code failed} or {@code not-run}
 * @param startedAt start, null if not run
 * @param endedAt end, null if not run
 * @param inputs every input with the Delta version read
 * @param outputTable table written ({@code schema.table}), empty for view-only steps
 * @param outputVersion Delta version written, -1 if none
 * @param rowsIn rows of the step's result before expectations, -1 if not counted
 * @param rowsOut rows written, -1 if none
 * @param rowsQuarantined rows moved to the quarantine table
 * @param expectations violations per expectation
 * @param fingerprint hash of lakemill version, step config, input versions and upstream fingerprints
 * @param error the error message of a failed step, empty otherwise
 */
public record StepRecord(
    String runId,
    String pipeline,
    String step,
    int position,
    String status,
    Instant startedAt,
    Instant endedAt,
    List<InputVersion> inputs,
    String outputTable,
    long outputVersion,
    long rowsIn,
    long rowsOut,
    long rowsQuarantined,
    List<ExpectationCount> expectations,
    String fingerprint,
    String error) {
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  public static final String NOT_RUN = "not-run";

  public StepRecord {
    inputs = List.copyOf(inputs);
    expectations = List.copyOf(expectations);
  }

  public long durationMillis() {
    return startedAt == null || endedAt == null ? 0 : endedAt.toEpochMilli() - startedAt.toEpochMilli();
  }
}
