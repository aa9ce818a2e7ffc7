package dev.lakemill.ledger;

import dev.lakemill.delta.InputVersion;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One step of one run, as the ledger keeps it. Build one by name with {@link #builder}; change one
 * field of an existing record with {@link #toBuilder} or {@link #withError}.
 *
 * @param runId run id
 * @param pipeline pipeline name
 * @param step step name
 * @param position 1-based position in execution order
 * @param status how the step ended
 * @param startedAt start, null if not run
 * @param endedAt end, null if not run
 * @param inputs every input with the Delta version read
 * @param output the table written or the model registered or validated; none for view-only steps
 * @param outputVersion Delta version written (model version for a model output), -1 if none
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
    StepStatus status,
    Instant startedAt,
    Instant endedAt,
    List<InputVersion> inputs,
    StepOutput output,
    long outputVersion,
    long rowsIn,
    long rowsOut,
    long rowsQuarantined,
    List<ExpectationCount> expectations,
    String fingerprint,
    String error,
    String note,
    Map<String, String> fingerprintParts) {
  public StepRecord {
    inputs = List.copyOf(inputs);
    output = output == null ? StepOutput.NONE : output;
    expectations = List.copyOf(expectations);
    note = note == null ? "" : note;
    fingerprintParts = fingerprintParts == null ? Map.of() : Map.copyOf(fingerprintParts);
  }

  /** A record of {@code step} at {@code position} of run {@code runId} that ended with {@code status}. */
  public static Builder builder(String runId, String pipeline, String step, int position, StepStatus status) {
    return new Builder(runId, pipeline, step, position, status);
  }

  public Builder toBuilder() {
    return new Builder(runId, pipeline, step, position, status).started(startedAt).ended(endedAt).inputs(inputs)
        .output(output, outputVersion).rows(rowsIn, rowsOut, rowsQuarantined).expectations(expectations)
        .fingerprint(fingerprint, fingerprintParts).error(error).note(note);
  }

  /** The same record with another error message. */
  public StepRecord withError(String error) {
    return toBuilder().error(error).build();
  }

  /** Succeeded or skipped: its output version is valid for readers. */
  public boolean done() {
    return status.done();
  }

  /** The output as the ledger's {@code output_table} column stores it: {@code schema.table}, {@code model <name>} or empty. */
  public String outputTable() {
    return output.text();
  }

  public long durationMillis() {
    return startedAt == null || endedAt == null ? 0 : endedAt.toEpochMilli() - startedAt.toEpochMilli();
  }

  /**
   * Builds a {@link StepRecord}. Unset fields hold what a step that never ran records: no times, no
   * inputs, no output (version -1), rows -1/-1/0, no expectations, and empty fingerprint, error and note.
   */
  public static final class Builder {
    private final String runId;
    private final String pipeline;
    private final String step;
    private final int position;
    private final StepStatus status;
    private Instant startedAt;
    private Instant endedAt;
    private List<InputVersion> inputs = List.of();
    private StepOutput output = StepOutput.NONE;
    private long outputVersion = -1;
    private long rowsIn = -1;
    private long rowsOut = -1;
    private long rowsQuarantined;
    private List<ExpectationCount> expectations = List.of();
    private String fingerprint = "";
    private Map<String, String> fingerprintParts = Map.of();
    private String error = "";
    private String note = "";

    private Builder(String runId, String pipeline, String step, int position, StepStatus status) {
      this.runId = runId;
      this.pipeline = pipeline;
      this.step = step;
      this.position = position;
      this.status = status;
    }

    public Builder started(Instant at) {
      this.startedAt = at;
      return this;
    }

    public Builder ended(Instant at) {
      this.endedAt = at;
      return this;
    }

    public Builder inputs(List<InputVersion> inputs) {
      this.inputs = inputs;
      return this;
    }

    /** @param version the Delta version written or the model version, -1 if none */
    public Builder output(StepOutput output, long version) {
      this.output = output;
      this.outputVersion = version;
      return this;
    }

    /** @param in rows before expectations ({@code -1}: not counted), @param out rows written, @param quarantined rows set aside */
    public Builder rows(long in, long out, long quarantined) {
      this.rowsIn = in;
      this.rowsOut = out;
      this.rowsQuarantined = quarantined;
      return this;
    }

    public Builder expectations(List<ExpectationCount> expectations) {
      this.expectations = expectations;
      return this;
    }

    public Builder fingerprint(String hash, Map<String, String> parts) {
      this.fingerprint = hash;
      this.fingerprintParts = parts;
      return this;
    }

    public Builder error(String error) {
      this.error = error;
      return this;
    }

    public Builder note(String note) {
      this.note = note;
      return this;
    }

    public StepRecord build() {
      return new StepRecord(runId, pipeline, step, position, status, startedAt, endedAt, inputs, output, outputVersion,
          rowsIn, rowsOut, rowsQuarantined, expectations, fingerprint, error, note, fingerprintParts);
    }
  }
}
