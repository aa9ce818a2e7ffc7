package dev.lakemill.spark;

import dev.lakemill.LakemillVersion;
import dev.lakemill.compile.PipelineCompiler;
import dev.lakemill.compile.plan.PipelinePlan;
import dev.lakemill.compile.plan.SourcePlan;
import dev.lakemill.compile.plan.FeaturesStepPlan;
import dev.lakemill.compile.plan.ScoreStepPlan;
import dev.lakemill.compile.plan.SqlStepPlan;
import dev.lakemill.compile.plan.StepPlanVisitor;
import dev.lakemill.compile.plan.TrainStepPlan;
import dev.lakemill.compile.plan.ValidateStepPlan;
import dev.lakemill.registry.ModelRegistry;
import dev.lakemill.registry.ModelVersion;
import dev.lakemill.compile.plan.StepPlan;
import dev.lakemill.ledger.InputVersion;
import dev.lakemill.ledger.RunLedger;
import dev.lakemill.compile.StepSelection;
import dev.lakemill.ledger.RunRecord;
import dev.lakemill.ledger.StepRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
  private StopSignal stop = StopSignal.none();

  public PipelineRunner(SparkSession spark) {
    this.spark = spark;
  }

  /** Once {@code stop} is requested, the running step fails saying so and no further step runs. */
  public PipelineRunner stopOn(StopSignal stop) {
    this.stop = stop;
    return this;
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
      if (error.isEmpty() && stop.requested()) {
        error = stop.stoppedBefore(step.name());
      }
      if (!error.isEmpty()) {
        records.add(notRun(plan, runId, step, position));
        continue;
      }
      StepRecord record = stop.explain(execution.runStep(step, position));
      records.add(record);
      listener.stepFinished(record, position, toRun.size());
      if (record.status().equals(StepRecord.FAILED)) {
        error = record.error();
      } else {
        TestPause.at("committed:" + step.name());
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
    private final Map<String, List<InputVersion>> lineage = new HashMap<>();

    Execution(SparkSession session, PipelinePlan plan, String runId, RunListener listener) {
      this.session = session;
      this.plan = plan;
      this.runId = runId;
      this.listener = listener;
    }

    StepRecord runStep(StepPlan step, int position) {
      Instant start = Instant.now();
      List<InputVersion> inputs = new ArrayList<>();
      String outputName = step.output() == null ? "" : step.output().name();
      try {
        for (String input : step.inputs()) {
          inputs.add(register(step.name(), input));
        }
        String fingerprint = fingerprint(step, inputs);
        lineage.put(step.name(), lineage(inputs));
        StepOutcome outcome = JobGroups.withJobGroup(session, plan.pipeline(), step.name(),
            () -> step.accept(new StepExecutor(fingerprint, List.copyOf(inputs))));
        fingerprints.put(step.name(), fingerprint);
        if (outcome.model() != null) {
          inputs.add(outcome.model());
        }
        return new StepRecord(runId, plan.pipeline(), step.name(), position, StepRecord.SUCCEEDED, start,
            Instant.now(), inputs, outcome.outputName() != null ? outcome.outputName() : outputName,
            outcome.outputVersion(), outcome.rowsIn(), outcome.rowsOut(), outcome.rowsQuarantined(),
            outcome.expectations(), fingerprint, "");
      } catch (Exception e) {
        StepFailedException failure = RunErrors.wrap(step.name(), e);
        return new StepRecord(runId, plan.pipeline(), step.name(), position, StepRecord.FAILED, start, Instant.now(),
            inputs, outputName, -1, -1, -1, 0, List.of(), "", failure.getMessage());
      }
    }

    /** Every input with its version, and, for step inputs, what they read in turn, back to the sources. */
    private List<InputVersion> lineage(List<InputVersion> inputs) {
      Map<String, InputVersion> all = new LinkedHashMap<>();
      for (InputVersion input : inputs) {
        all.putIfAbsent(input.name(), input);
        for (InputVersion upstream : lineage.getOrDefault(input.name(), List.of())) {
          all.putIfAbsent(upstream.name(), upstream);
        }
      }
      return List.copyOf(all.values());
    }

    /** Runs one step of each type inside the run's session, with its commits tagged. */
    private final class StepExecutor implements StepPlanVisitor<StepOutcome> {
      private final String fingerprint;
      private final List<InputVersion> inputs;

      StepExecutor(String fingerprint, List<InputVersion> inputs) {
        this.fingerprint = fingerprint;
        this.inputs = inputs;
      }

      private String tag(StepPlan step) {
        return new CommitTag(plan.pipeline(), runId, step.name(), fingerprint, inputs).text();
      }

      private <T> T tagged(StepPlan step, java.util.function.Function<String, T> body) {
        String tag = tag(step);
        DeltaIO.tagCommits(session, tag);
        try {
          return body.apply(tag);
        } finally {
          DeltaIO.tagCommits(session, null);
        }
      }

      @Override
      public StepOutcome visitSql(SqlStepPlan step) {
        StepOutcome outcome = tagged(step, tag -> new SqlStepRunner(session, runId, tag, listener::warning)
            .run(step, view -> createView(step.name(), view)));
        registerOutput(step, outcome.outputVersion());
        return outcome;
      }

      @Override
      public StepOutcome visitFeatures(FeaturesStepPlan step) {
        if (step.output() == null) {
          registerOutput(step, -1);
          return new StepOutcome(-1, -1, -1, 0, List.of());
        }
        DeltaIO.Written written = tagged(step, tag -> DeltaIO.write(session,
            FeaturesStepRunner.transform(step, view(step.input())), step.output(), tag));
        reportReuse(step, written);
        registerOutput(step, written.version());
        return new StepOutcome(written.version(), written.rows(), written.rows(), 0, List.of());
      }

      @Override
      public StepOutcome visitTrain(TrainStepPlan step) {
        ModelRegistry registry = registry();
        TrainStepRunner.Trained trained = tagged(step, tag -> new TrainStepRunner(session, tag).run(step,
            view(step.data()), plan.ledgerLocation() + "/holdouts/" + step.modelName(), -1,
            registry.artifactLocation(step.modelName(), runId),
            new TrainStepRunner.Draft(runId, plan.pipeline(), lineage.get(step.name()), fingerprint)));
        ModelVersion version = registry.register(trained.draft());
        listener.info(String.format(java.util.Locale.ROOT, "registered %s (%s; holdout %,d rows, v%d)", version.ref(),
            ModelText.metrics(version.metrics()), trained.holdoutRows(), version.holdoutVersion()));
        registered.put(step.name(), new InputVersion(step.name(), "model " + step.modelName(), version.version()));
        return new StepOutcome(version.version(), trained.trainRows() + trained.holdoutRows(), -1, 0, List.of(),
            "model " + step.modelName(), null);
      }

      @Override
      public StepOutcome visitValidate(ValidateStepPlan step) {
        InputVersion trained = registered.get(step.trainStep());
        if (trained == null || trained.version() < 1) {
          throw RunErrors.upstreamNeverRan(step.name(), step.trainStep());
        }
        new ValidateStepRunner(session, registry(), runId, listener::info).run(step, (int) trained.version());
        registered.put(step.name(), new InputVersion(step.name(), "", trained.version()));
        return new StepOutcome(trained.version(), -1, -1, 0, List.of(), "model " + step.modelName(), null);
      }

      @Override
      public StepOutcome visitScore(ScoreStepPlan step) {
        ScoreStepRunner.Scored scored = new ScoreStepRunner(registry()).score(step, view(step.input()));
        DeltaIO.Written written = tagged(step, tag -> DeltaIO.write(session, scored.rows(), step.output(), tag));
        reportReuse(step, written);
        registerOutput(step, written.version());
        return new StepOutcome(written.version(), written.rows(), written.rows(), 0, List.of(), null,
            new InputVersion("model " + scored.model().ref(), scored.model().modelPath(), scored.model().version()));
      }
    }

    private void reportReuse(StepPlan step, DeltaIO.Written written) {
      if (written.reused()) {
        listener.warning(RunErrors.appendReused(step.name(), step.output().name(), runId, written.version()));
      }
    }

    private ModelRegistry registry() {
      return new ModelRegistry(session, plan.ledgerLocation());
    }

    private Dataset<Row> view(String name) {
      return session.table("`" + name + "`");
    }

    /** After a step ran: later steps read its output at the version it wrote, or its view. */
    private void registerOutput(StepPlan step, long version) {
      if (step.output() != null) {
        createView(step.name(), DeltaIO.read(session, step.output().location(), version));
        registered.put(step.name(), new InputVersion(step.name(), step.output().location(), version));
      } else {
        registered.put(step.name(), new InputVersion(step.name(), "", -1));
      }
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
        Optional<RunLedger.Recorded> recorded = new RunLedger(session, plan.ledgerLocation())
            .lastSucceeded(plan.pipeline(), name, runId);
        if (upstream.output() == null) {
          // A train or validate step outside this invocation: its model version, if it ever ran.
          version = new InputVersion(name, upstream instanceof TrainStepPlan t ? "model " + t.modelName() : "",
              recorded.map(RunLedger.Recorded::outputVersion).orElse(-1L));
          recorded.ifPresent(r -> fingerprints.put(name, r.fingerprint()));
        } else {
          RunLedger.Recorded r = recorded.orElseThrow(() -> RunErrors.upstreamNeverRan(reader, name));
          createView(name, DeltaIO.read(session, upstream.output().location(), r.outputVersion()));
          fingerprints.put(name, r.fingerprint());
          lineage.put(name, r.inputs());
          version = new InputVersion(name, upstream.output().location(), r.outputVersion());
        }
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
