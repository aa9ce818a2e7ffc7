package dev.lakemill.spark;

import dev.lakemill.LakemillVersion;
import dev.lakemill.compile.PipelineCompiler;
import dev.lakemill.compile.plan.PipelinePlan;
import dev.lakemill.compile.plan.SourcePlan;
import dev.lakemill.compile.plan.SqlStepPlan;
import dev.lakemill.compile.plan.StepPlan;
import dev.lakemill.ledger.InputVersion;
import dev.lakemill.ledger.RunLedger;
import dev.lakemill.compile.StepSelection;
import dev.lakemill.ledger.RunRecord;
import dev.lakemill.ledger.StepRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a {@link PipelinePlan} in one SparkSession: sources and step results become temporary views
 * named after them, each step's Spark jobs are labelled with its name, and the ledger gets the run
 * at the end. Steps outside the selection that a selected step reads are read at the version the
 * ledger recorded for the same run id, else at the latest successful run's version.
 */
public final class PipelineRunner {
  private final SparkSession spark;

  public PipelineRunner(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * @param plan the compiled pipeline
   * @param runId the run id (see {@link dev.lakemill.ledger.RunIds})
   * @param selected steps to run; the caller resolves {@code --steps}/{@code --from} with {@link StepSelection}
   */
  public RunResult run(PipelinePlan plan, String runId, Set<String> selected, RunListener listener) {
    SparkSession session = spark.newSession();
    Instant started = Instant.now();
    Set<String> toRun = StepSelection.withViewInputs(plan, selected);
    RunLedger ledger = new RunLedger(session, plan.ledgerLocation());
    CompletableFuture<Void> ledgerReady = ledger.prefetch();
    Execution execution = new Execution(session, plan, runId, listener);
    List<StepRecord> records = new ArrayList<>();
    String error = "";
    int position = 0;
    for (StepPlan step : plan.steps()) {
      if (!toRun.contains(step.name())) {
        continue;
      }
      position++;
      if (!error.isEmpty()) {
        records.add(notRun(plan, runId, step, position));
        continue;
      }
      StepRecord record = execution.runStep(step, position);
      records.add(record);
      listener.stepFinished(record, position, toRun.size());
      if (record.status().equals(StepRecord.FAILED)) {
        error = record.error();
      }
    }
    RunRecord run = new RunRecord(runId, plan.pipeline(), plan.file(), plan.params(), List.copyOf(toRun), started,
        Instant.now(), error.isEmpty() ? StepRecord.SUCCEEDED : StepRecord.FAILED, LakemillVersion.get(), error);
    long ledgerStart = System.nanoTime();
    ledgerReady.join();
    ledger.record(run, records);
    return new RunResult(run, records, (System.nanoTime() - ledgerStart) / 1_000_000);
  }

  private static StepRecord notRun(PipelinePlan plan, String runId, StepPlan step, int position) {
    return new StepRecord(runId, plan.pipeline(), step.name(), position, StepRecord.NOT_RUN, null, null, List.of(),
        step.output() == null ? "" : step.output().name(), -1, -1, -1, 0, List.of(), "", "");
  }

  /** The state of one run: which names are registered as views, at which version, with which fingerprint. */
  private static final class Execution {
    private final SparkSession session;
    private final PipelinePlan plan;
    private final String runId;
    private final RunListener listener;
    private final Map<String, InputVersion> registered = new HashMap<>();
    private final Map<String, String> fingerprints = new HashMap<>();

    Execution(SparkSession session, PipelinePlan plan, String runId, RunListener listener) {
      this.session = session;
      this.plan = plan;
      this.runId = runId;
      this.listener = listener;
    }

    StepRecord runStep(StepPlan step, int position) {
      Instant start = Instant.now();
      List<InputVersion> inputs = new ArrayList<>();
      try {
        for (String input : step.inputs()) {
          inputs.add(register(step.name(), input));
        }
        String fingerprint = fingerprint(step, inputs);
        StepOutcome outcome = JobGroups.withJobGroup(session, plan.pipeline(), step.name(),
            () -> step.accept(s -> execute(s)));
        fingerprints.put(step.name(), fingerprint);
        return new StepRecord(runId, plan.pipeline(), step.name(), position, StepRecord.SUCCEEDED, start,
            Instant.now(), inputs, step.output() == null ? "" : step.output().name(), outcome.outputVersion(),
            outcome.rowsIn(), outcome.rowsOut(), outcome.rowsQuarantined(), outcome.expectations(), fingerprint, "");
      } catch (Exception e) {
        StepFailedException failure = RunErrors.wrap(step.name(), e);
        return new StepRecord(runId, plan.pipeline(), step.name(), position, StepRecord.FAILED, start, Instant.now(),
            inputs, step.output() == null ? "" : step.output().name(), -1, -1, -1, 0, List.of(), "",
            failure.getMessage());
      }
    }

    private StepOutcome execute(SqlStepPlan step) {
      String tag = "lakemill pipeline=" + plan.pipeline() + " run=" + runId + " step=" + step.name();
      DeltaIO.tagCommits(session, tag);
      StepOutcome outcome;
      try {
        outcome = new SqlStepRunner(session, runId, tag, listener::warning)
            .run(step, view -> createView(step.name(), view));
      } finally {
        DeltaIO.tagCommits(session, null);
      }
      if (step.output() != null) {
        createView(step.name(), DeltaIO.read(session, step.output().location(), outcome.outputVersion()));
        registered.put(step.name(), new InputVersion(step.name(), step.output().location(), outcome.outputVersion()));
      } else {
        registered.put(step.name(), new InputVersion(step.name(), "", -1));
      }
      return outcome;
    }

    /** Makes {@code name} readable from SQL, opening a source or loading a step's recorded output. */
    private InputVersion register(String reader, String name) {
      InputVersion known = registered.get(name);
      if (known != null) {
        return known;
      }
      Optional<SourcePlan> source = plan.source(name);
      InputVersion version;
      if (source.isPresent()) {
        SourceReader.Opened opened = SourceReader.open(session, source.get());
        createView(name, opened.data());
        fingerprints.put(name, source.get().configHash());
        version = new InputVersion(name, source.get().location() == null ? "" : source.get().location(), opened.version());
      } else {
        StepPlan upstream = plan.step(name).orElseThrow();
        RunLedger.Recorded recorded = new RunLedger(session, plan.ledgerLocation())
            .lastSucceeded(plan.pipeline(), name, runId)
            .orElseThrow(() -> RunErrors.upstreamNeverRan(reader, name));
        createView(name, DeltaIO.read(session, upstream.output().location(), recorded.outputVersion()));
        fingerprints.put(name, recorded.fingerprint());
        version = new InputVersion(name, upstream.output().location(), recorded.outputVersion());
      }
      registered.put(name, version);
      return version;
    }

    private void createView(String name, Dataset<Row> data) {
      data.createOrReplaceTempView("`" + name + "`");
    }

    private String fingerprint(StepPlan step, List<InputVersion> inputs) {
      StringBuilder text = new StringBuilder(LakemillVersion.get()).append('\n').append(step.configHash());
      inputs.stream().sorted(java.util.Comparator.comparing(InputVersion::name)).forEach(i -> text.append('\n')
          .append(i.name()).append('=').append(fingerprints.getOrDefault(i.name(), "")).append('@').append(i.version()));
      return PipelineCompiler.sha256(text.toString());
    }
  }
}
