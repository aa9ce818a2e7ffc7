package dev.lakemill.safety;

import static org.apache.spark.sql.functions.col;

import dev.lakemill.delta.CommitTag;
import dev.lakemill.delta.DeltaIO;
import dev.lakemill.delta.DeltaLogFiles;
import dev.lakemill.delta.InputVersion;
import dev.lakemill.ledger.RunLedger;
import dev.lakemill.ledger.RunRecord;
import dev.lakemill.ledger.RunStatus;
import dev.lakemill.ledger.StepOutput;
import dev.lakemill.ledger.StepRecord;
import dev.lakemill.ledger.StepStatus;
import dev.lakemill.registry.ModelRegistry;
import dev.lakemill.registry.ModelVersion;
import dev.lakemill.safety.LeaseHolder.LeasedStep;
import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * Records runs whose process stopped without finishing (their lease expired) as {@code abandoned}
 * in the ledger, with what they had committed. A step's Delta commit is atomic and tagged with its
 * run, step, fingerprint and inputs ({@link CommitTag}), so a commit tagged with the run and step
 * means that step's output is complete: it is recorded as succeeded at that version, as if the run
 * had written its ledger. A train step succeeded when the registry has a version from the run. Every
 * other step is recorded as not-run. Quarantine rows of the run for a table step that never
 * committed are deleted, since the rows they were dropped from never reached the table.
 */
public final class AbandonedRuns {
  private final SparkSession spark;
  private final String ledgerLocation;

  public AbandonedRuns(SparkSession spark, String ledgerLocation) {
    this.spark = spark;
    this.ledgerLocation = ledgerLocation;
  }

  /** Records every abandoned run {@code lease} found, one line each to {@code out}. */
  public void recordAll(RunLease lease, Consumer<String> out) {
    for (LeaseHolder run : lease.abandoned()) {
      if (!alreadyRecorded(run)) {
        out.accept(record(run));
      }
      lease.markRecorded(run);
    }
  }

  /** Writes the ledger rows of one abandoned run; returns a summary line. */
  String record(LeaseHolder run) {
    List<StepRecord> steps = new ArrayList<>();
    List<String> committed = new ArrayList<>();
    for (int i = 0; i < run.steps().size(); i++) {
      LeasedStep step = run.steps().get(i);
      StepRecord r = !step.model().isEmpty() ? model(run, step, i + 1)
          : !step.location().isEmpty() ? table(run, step, i + 1) : notRun(run, step, i + 1);
      steps.add(r);
      if (r.status() == StepStatus.SUCCEEDED) {
        committed.add(r.step() + " -> " + r.outputTable() + "@v" + r.outputVersion());
      }
    }
    String error = "Process " + run.pid() + "@" + run.host() + " stopped without finishing; its lease expired at "
        + run.expiresAt() + " (" + committed.size() + " of " + steps.size() + " step(s) had committed)";
    new RunLedger(spark, ledgerLocation).record(new RunRecord(run.runId(), run.pipeline(), run.pipelineFile(),
        run.params(), steps.stream().map(StepRecord::step).toList(), run.started(), run.heartbeat(),
        RunStatus.ABANDONED, run.lakemillVersion(), error), steps);
    return "recorded run " + run.runId() + " as abandoned: " + error
        + (committed.isEmpty() ? "" : "; committed: " + String.join(", ", committed));
  }

  private StepRecord table(LeaseHolder run, LeasedStep step, int position) {
    String key = new CommitTag(run.pipeline(), run.runId(), step.name(), "", List.of()).key();
    Optional<DeltaLogFiles.Tagged> commit = DeltaLogFiles.findTagged(spark, step.location(), key, run.started());
    if (commit.isEmpty()) {
      deleteQuarantined(run, step, key);
      return notRun(run, step, position);
    }
    DeltaLogFiles.Tagged c = commit.get();
    CommitTag tag = CommitTag.parse(c.userMetadata()).orElseThrow();
    return StepRecord.builder(run.runId(), run.pipeline(), step.name(), position, StepStatus.SUCCEEDED)
        .ended(Instant.ofEpochMilli(c.timestamp())).inputs(tag.inputs()).output(table(step), c.version())
        .rows(-1, c.rows(), -1).fingerprint(tag.fingerprint(), Map.of())
        .note("recovered from its commit after the run was abandoned").build();
  }

  private StepRecord model(LeaseHolder run, LeasedStep step, int position) {
    ModelRegistry registry = new ModelRegistry(spark, ledgerLocation);
    Optional<ModelVersion> version = registry.versions(step.model()).stream()
        .filter(v -> run.runId().equals(v.runId()) && step.name().equals(v.step()))
        .max(Comparator.comparingInt(ModelVersion::version));
    if (version.isEmpty()) {
      return notRun(run, step, position);
    }
    ModelVersion v = version.get();
    // The holdout commit carries the step's tag, hence its direct inputs.
    String key = new CommitTag(run.pipeline(), run.runId(), step.name(), "", List.of()).key();
    List<InputVersion> inputs = DeltaLogFiles.findTagged(spark, v.holdoutLocation(), key, run.started())
        .flatMap(c -> CommitTag.parse(c.userMetadata())).map(CommitTag::inputs).orElse(v.lineage());
    return StepRecord.builder(run.runId(), run.pipeline(), step.name(), position, StepStatus.SUCCEEDED)
        .ended(v.createdAt()).inputs(inputs).output(new StepOutput.Model(step.model()), v.version())
        .fingerprint(v.fingerprint(), Map.of()).note("recovered from the registry after the run was abandoned").build();
  }

  private static StepRecord notRun(LeaseHolder run, LeasedStep step, int position) {
    return StepRecord.builder(run.runId(), run.pipeline(), step.name(), position, StepStatus.NOT_RUN)
        .output(table(step), -1).build();
  }

  /** The table a leased step writes, or none (a view, or a train step: empty in its lease). */
  private static StepOutput table(LeasedStep step) {
    return step.table().isEmpty() ? StepOutput.NONE : new StepOutput.Table(step.table());
  }

  private void deleteQuarantined(LeaseHolder run, LeasedStep step, String key) {
    String quarantine = step.location() + "_quarantine";
    if (DeltaLogFiles.findTagged(spark, quarantine, key, run.started()).isPresent()) {
      DeltaTable.forPath(spark, quarantine).delete(col(DeltaIO.QUARANTINE_RUN_ID).equalTo(run.runId()));
    }
  }

  /** True when an earlier start already recorded it (it stopped between the ledger write and the marker). */
  private boolean alreadyRecorded(LeaseHolder run) {
    RunLedger ledger = new RunLedger(spark, ledgerLocation);
    return ledger.exists() && !ledger.runs(runs -> runs.where(col("run_id").equalTo(run.runId())
        .and(col("status").equalTo(RunStatus.ABANDONED.text()))
        .and(col("started_at").equalTo(Timestamp.from(run.started())))).limit(1)).isEmpty();
  }
}
