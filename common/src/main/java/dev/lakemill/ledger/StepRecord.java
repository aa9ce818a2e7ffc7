package dev.lakemill.ledger;

import dev.lakemill.delta.InputVersion;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One step of one run, as the ledger keeps it.
 *
 * @param runId run id
 * @param pipeline pipeline name
 * @param step step name
 * @param position 1-based position in execution order
 * @param status {@code succeeded}, {@code skipped} (up to date: its recorded output was reused),
 *     {@code failed} or {@code not-run}
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
 * @param note why the step ran or was skipped ("input x moved from v3 to v4", "up to date (run R)"), or empty
 * @param fingerprintParts what the fingerprint hashes (config, lakemill version, each input), to explain changes
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
    String error,
    String note,
    Map<String, String> fingerprintParts) {
  public static final String SUCCEEDED = "succeeded";
  public static final String SKIPPED = "skipped";
  public static final String FAILED = "failed";
  public static final String NOT_RUN = "not-run";

  public StepRecord {
    inputs = List.copyOf(inputs);
    expectations = List.copyOf(expectations);
    note = note == null ? "" : note;
    fingerprintParts = fingerprintParts == null ? Map.of() : Map.copyOf(fingerprintParts);
  }

  /** Succeeded or skipped: its output version is valid for readers. */
  public boolean done() {
    return status.equals(SUCCEEDED) || status.equals(SKIPPED);
  }

  public long durationMillis() {
    return startedAt == null || endedAt == null ? 0 : endedAt.toEpochMilli() - startedAt.toEpochMilli();
  }
}
