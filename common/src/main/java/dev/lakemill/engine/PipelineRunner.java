package dev.lakemill.engine;

import dev.lakemill.LakemillVersion;
import dev.lakemill.compile.PipelineCompiler;
import dev.lakemill.compile.StepSelection;
import dev.lakemill.delta.CommitTag;
import dev.lakemill.delta.DeltaIO;
import dev.lakemill.delta.InputVersion;
import dev.lakemill.drift.DriftTrigger;
import dev.lakemill.engine.step.DriftStepRunner;
import dev.lakemill.engine.step.FeaturesStepRunner;
import dev.lakemill.engine.step.ModelText;
import dev.lakemill.engine.step.RunErrors;
import dev.lakemill.engine.step.ScoreStepRunner;
import dev.lakemill.engine.step.SqlStepRunner;
import dev.lakemill.engine.step.StepFailedException;
import dev.lakemill.engine.step.StepOutcome;
import dev.lakemill.engine.step.TrainStepRunner;
import dev.lakemill.engine.step.ValidateStepRunner;
import dev.lakemill.faults.FaultPoints;
import dev.lakemill.ledger.RunLedger;
import dev.lakemill.ledger.RunRecord;
import dev.lakemill.ledger.RunStatus;
import dev.lakemill.ledger.StepOutput;
import dev.lakemill.ledger.StepRecord;
import dev.lakemill.ledger.StepStatus;
import dev.lakemill.plan.DriftStepPlan;
import dev.lakemill.plan.FeaturesStepPlan;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.plan.ScoreStepPlan;
import dev.lakemill.plan.SourcePlan;
import dev.lakemill.plan.SqlStepPlan;
import dev.lakemill.plan.StepPlan;
import dev.lakemill.plan.StepPlanVisitor;
import dev.lakemill.plan.TrainStepPlan;
import dev.lakemill.plan.ValidateStepPlan;
import dev.lakemill.registry.ModelRegistry;
import dev.lakemill.registry.ModelVersion;
import dev.lakemill.safety.JobGroups;
import dev.lakemill.safety.StopSignal;
import dev.lakemill.sources.RecordCheck;
import dev.lakemill.sources.SourceReader;
import dev.lakemill.sources.SourceStamps;
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
  private final DriftTrigger driftTrigger;
  private StopSignal stop = StopSignal.none();

  /** A runner whose drift steps only record the pipelines they would trigger. */
  public PipelineRunner(SparkSession spark) {
    this(spark, DriftTrigger.NOT_CONFIGURED);
  }

  /** @param driftTrigger what drift steps' {@code on-drift { trigger-pipeline }} calls */
  public PipelineRunner(SparkSession spark, DriftTrigger driftTrigger) {
    this.spark = spark;
    this.driftTrigger = driftTrigger;
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
    return run(plan, runId, selected, listener, RunOptions.DEFAULT);
  }

  /** Runs the selected steps; up-to-date steps are skipped unless {@code options} force them. */
  public RunResult run(PipelinePlan plan, String runId, Set<String> selected, RunListener listener, RunOptions options) {
    SparkSession session = spark.newSession();
    Instant started = Instant.now();
    Set<String> toRun = StepSelection.withViewInputs(plan, selected);
    RunLedger ledger = new RunLedger(session, plan.ledgerLocation());
    CompletableFuture<Void> ledgerReady = ledger.prefetch();
    Execution execution = new Execution(session, plan, runId, listener, cache(session, plan, ledger, options),
        driftTrigger);
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
      if (record.status() == StepStatus.FAILED) {
        error = record.error();
      } else {
        FaultPoints.at("committed:" + step.name());
      }
    }
    execution.releaseSources();
    RunRecord run = new RunRecord(runId, plan.pipeline(), plan.file(), plan.params(), List.copyOf(toRun), started,
        Instant.now(), error.isEmpty() ? RunStatus.SUCCEEDED : RunStatus.FAILED, LakemillVersion.get(), error);
    long ledgerStart = System.nanoTime();
    ledgerReady.join();
    ledger.record(run, records);
    return new RunResult(run, records, (System.nanoTime() - ledgerStart) / 1_000_000);
  }

  /**
   * What a run of the selected steps would do, step by step, without running anything: RUN or SKIP
   * and why. Reads the ledger, the registry and Delta logs only.
   */
  public List<Preview> preview(PipelinePlan plan, String runId, Set<String> selected, RunOptions options) {
    SparkSession session = spark.newSession();
    Set<String> toRun = StepSelection.withViewInputs(plan, selected);
    Execution execution = new Execution(session, plan, runId, RunListener.NONE,
        cache(session, plan, new RunLedger(session, plan.ledgerLocation()), options), DriftTrigger.NOT_CONFIGURED);
    List<Preview> previews = new ArrayList<>();
    for (StepPlan step : plan.steps()) {
      if (toRun.contains(step.name())) {
        previews.add(execution.preview(step));
      }
    }
    return previews;
  }

  /** One step of {@link #preview}: RUN or SKIP, the reason, and the version a SKIP reuses. */
  public record Preview(String step, boolean skip, String reason, long reusedVersion) {}

  private static StepCache cache(SparkSession session, PipelinePlan plan, RunLedger ledger, RunOptions options) {
    CompletableFuture<Map<String, RunLedger.Recorded>> latest =
        CompletableFuture.supplyAsync(() -> ledger.latestDone(plan.pipeline()));
    return new StepCache(session, plan, latest::join, options);
  }

  private static StepRecord notRun(PipelinePlan plan, String runId, StepPlan step, int position) {
    return StepRecord.builder(runId, plan.pipeline(), step.name(), position, StepStatus.NOT_RUN)
        .output(declaredTable(step), -1).build();
  }

  /** The output table a step declares, or none (views, train and validate steps). */
  private static StepOutput declaredTable(StepPlan step) {
    return step.output() == null ? StepOutput.NONE : new StepOutput.Table(step.output().name());
  }

  /** What the record of a step that succeeded or was up to date names as its output. */
  private static StepOutput produced(StepPlan step) {
    if (step instanceof TrainStepPlan train) {
      return new StepOutput.Model(train.modelName());
    }
    return step instanceof ValidateStepPlan validate ? new StepOutput.Model(validate.modelName()) : declaredTable(step);
  }

  /** The state of one run: which names are registered as views, at which version, with which fingerprint. */
  private static final class Execution {
    private final SparkSession session;
    private final PipelinePlan plan;
    private final String runId;
    private final RunListener listener;
    private final DriftTrigger driftTrigger;
    private final Map<String, InputVersion> registered = new HashMap<>();
    private final Map<String, String> fingerprints = new HashMap<>();
    private final Map<String, List<InputVersion>> lineage = new HashMap<>();
    /** Names readable from SQL in this session (views are created only when a running step reads them). */
    private final Set<String> views = new java.util.HashSet<>();
    /** Preview only: steps that would run, so their readers run too. */
    private final Set<String> wouldRun = new java.util.HashSet<>();
    private final StepCache cache;
    private final Map<String, SourceReader.Opened> sources = new HashMap<>();

    Execution(SparkSession session, PipelinePlan plan, String runId, RunListener listener, StepCache cache,
        DriftTrigger driftTrigger) {
      this.session = session;
      this.plan = plan;
      this.runId = runId;
      this.listener = listener;
      this.cache = cache;
      this.driftTrigger = driftTrigger;
    }

    StepRecord runStep(StepPlan step, int position) {
      Instant start = Instant.now();
      List<InputVersion> inputs = new ArrayList<>();
      Fingerprint fingerprint = null;
      String note = "";
      try {
        for (String input : step.inputs()) {
          inputs.add(resolve(step.name(), input));
        }
        ModelVersion model = scoredModel(step);
        if (model != null) {
          inputs.add(modelInput(model));
        }
        fingerprint = fingerprint(step, inputs);
        StepCache.Decision decision = cache.decide(step, fingerprint);
        note = decision.reason();
        lineage.put(step.name(), lineage(inputs));
        if (decision.skip()) {
          return skipped(step, position, start, inputs, fingerprint, decision);
        }
        // Opening a source may run Spark jobs (file checks, a quarantine): they belong to the step.
        JobGroups.withJobGroup(session, plan.pipeline(), step.name(), () -> {
          step.inputs().forEach(this::materialize);
          return null;
        });
        String hash = fingerprint.hash();
        StepOutcome outcome = JobGroups.withJobGroup(session, plan.pipeline(), step.name(),
            () -> step.accept(new StepExecutor(hash, model, List.copyOf(inputs))));
        fingerprints.put(step.name(), hash);
        return StepRecord.builder(runId, plan.pipeline(), step.name(), position, StepStatus.SUCCEEDED)
            .started(start).ended(Instant.now()).inputs(inputs).output(produced(step), outcome.outputVersion())
            .rows(outcome.rowsIn(), outcome.rowsOut(), outcome.rowsQuarantined()).expectations(outcome.expectations())
            .fingerprint(hash, fingerprint.parts()).note(note).build();
      } catch (Exception e) {
        StepFailedException failure = RunErrors.wrap(step.name(), badInput(e));
        long written = e instanceof DriftStepRunner.DriftFailed drift ? drift.outputVersion() : -1;
        return StepRecord.builder(runId, plan.pipeline(), step.name(), position, StepStatus.FAILED)
            .started(start).ended(Instant.now()).inputs(inputs).output(declaredTable(step), written)
            .fingerprint("", fingerprint == null ? Map.of() : fingerprint.parts()).error(failure.getMessage())
            .note(note).build();
      }
    }

    /** An up-to-date step: later steps read its recorded output; nothing is written. */
    private StepRecord skipped(StepPlan step, int position, Instant start, List<InputVersion> inputs,
        Fingerprint fingerprint, StepCache.Decision decision) {
      long version = decision.recorded().outputVersion();
      String hash = fingerprint.hash();
      fingerprints.put(step.name(), hash);
      StepOutput output = produced(step);
      if (step instanceof TrainStepPlan) {
        registered.put(step.name(), new InputVersion(step.name(), output.text(), version));
      } else if (step instanceof ValidateStepPlan) {
        registered.put(step.name(), new InputVersion(step.name(), "", version));
      } else {
        registered.put(step.name(), new InputVersion(step.name(), step.output().location(), version));
      }
      return StepRecord.builder(runId, plan.pipeline(), step.name(), position, StepStatus.SKIPPED).started(start)
          .ended(Instant.now()).inputs(inputs).output(output, version).fingerprint(hash, fingerprint.parts())
          .note(decision.reason()).build();
    }

    /** Preview of one step: like {@link #runStep} up to the decision; a step that would run marks its readers. */
    Preview preview(StepPlan step) {
      List<InputVersion> inputs = new ArrayList<>();
      for (String input : step.inputs()) {
        if (wouldRun.contains(input)) {
          wouldRun.add(step.name());
          return new Preview(step.name(), false, "upstream " + input + " runs", -1);
        }
        inputs.add(resolve(step.name(), input));
      }
      ModelVersion model = scoredModel(step);
      if (model != null) {
        inputs.add(modelInput(model));
      }
      Fingerprint fingerprint = fingerprint(step, inputs);
      StepCache.Decision decision = cache.decide(step, fingerprint);
      if (decision.skip()) {
        fingerprints.put(step.name(), fingerprint.hash());
        long version = decision.recorded().outputVersion();
        registered.put(step.name(), new InputVersion(step.name(), "", version));
        return new Preview(step.name(), true, decision.reason(), version);
      }
      if (decision.reason().isEmpty()) {
        // A view: transparent, its fingerprint follows from its inputs.
        fingerprints.put(step.name(), fingerprint.hash());
        registered.put(step.name(), new InputVersion(step.name(), "", -1));
        return new Preview(step.name(), false, "view, computed when read", -1);
      }
      wouldRun.add(step.name());
      return new Preview(step.name(), false, decision.reason(), -1);
    }

    /**
     * The model a score or drift step uses, resolved now: which version it is belongs to the step's
     * fingerprint (a moved alias makes the step run again).
     */
    private ModelVersion scoredModel(StepPlan step) {
      if (step instanceof ScoreStepPlan score) {
        return registry().resolve(score.model());
      }
      return step instanceof DriftStepPlan drift ? registry().resolve(drift.model()) : null;
    }

    private static InputVersion modelInput(ModelVersion model) {
      return new InputVersion("model " + model.ref(), model.modelPath(), model.version());
    }

    /** A failure caused by a bad record of a csv or json source, explained; else {@code e} itself. */
    private Throwable badInput(Exception e) {
      return RecordCheck.failedSource(e).map(sources::get).filter(o -> o.records() != null)
          .<Throwable>map(o -> o.records().explain(e)).orElse(e);
    }

    void releaseSources() {
      sources.values().forEach(SourceReader.Opened::release);
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
      private final ModelVersion model;
      private final List<InputVersion> inputs;

      StepExecutor(String fingerprint, ModelVersion model, List<InputVersion> inputs) {
        this.fingerprint = fingerprint;
        this.model = model;
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
        registered.put(step.name(),
            new InputVersion(step.name(), new StepOutput.Model(step.modelName()).text(), version.version()));
        return new StepOutcome(version.version(), trained.trainRows() + trained.holdoutRows(), -1, 0, List.of());
      }

      @Override
      public StepOutcome visitValidate(ValidateStepPlan step) {
        InputVersion trained = registered.get(step.trainStep());
        if (trained == null || trained.version() < 1) {
          throw RunErrors.upstreamNeverRan(step.name(), step.trainStep());
        }
        new ValidateStepRunner(session, registry(), runId, listener::info).run(step, (int) trained.version());
        registered.put(step.name(), new InputVersion(step.name(), "", trained.version()));
        return new StepOutcome(trained.version(), -1, -1, 0, List.of());
      }

      @Override
      public StepOutcome visitScore(ScoreStepPlan step) {
        Dataset<Row> scored = ScoreStepRunner.score(model, view(step.input()));
        DeltaIO.Written written = tagged(step, tag -> DeltaIO.write(session, scored, step.output(), tag));
        reportReuse(step, written);
        registerOutput(step, written.version());
        return new StepOutcome(written.version(), written.rows(), written.rows(), 0, List.of());
      }

      @Override
      public StepOutcome visitDrift(DriftStepPlan step) {
        DriftStepRunner.Ran ran = tagged(step, tag -> new DriftStepRunner(session, registry(), driftTrigger, listener,
            plan.lakehouseRoot()).run(step, plan.pipeline(), runId, Execution.this::view, registered::get, tag));
        registerOutput(step, ran.version());
        return new StepOutcome(ran.version(), ran.currentRows(), ran.rowsWritten(), 0, List.of());
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

    /**
     * The version and fingerprint of {@code name} as {@code reader} will read it: a source's version
     * and own fingerprint, a step of this run's, or a step outside it as the ledger recorded it for
     * this run id (else its latest successful run). Reads no data.
     */
    private InputVersion resolve(String reader, String name) {
      InputVersion known = registered.get(name);
      if (known != null) {
        return known;
      }
      Optional<SourcePlan> source = plan.source(name);
      InputVersion version;
      if (source.isPresent()) {
        fingerprints.put(name, SourceStamps.fingerprint(session, source.get()));
        version = new InputVersion(name, source.get().location() == null ? "" : source.get().location(),
            SourceReader.version(session, source.get()));
      } else {
        StepPlan upstream = plan.step(name).orElseThrow();
        Optional<RunLedger.Recorded> recorded = new RunLedger(session, plan.ledgerLocation())
            .lastSucceeded(plan.pipeline(), name, runId);
        if (upstream.output() == null) {
          // A train or validate step outside this invocation: its model version, if it ever ran.
          version = new InputVersion(name, upstream instanceof TrainStepPlan t ? new StepOutput.Model(t.modelName()).text() : "",
              recorded.map(RunLedger.Recorded::outputVersion).orElse(-1L));
          recorded.ifPresent(r -> fingerprints.put(name, r.fingerprint()));
        } else {
          RunLedger.Recorded r = recorded.orElseThrow(() -> RunErrors.upstreamNeverRan(reader, name));
          fingerprints.put(name, r.fingerprint());
          lineage.put(name, r.inputs());
          version = new InputVersion(name, upstream.output().location(), r.outputVersion());
        }
      }
      registered.put(name, version);
      return version;
    }

    /** Makes a resolved input readable from SQL, at the version {@link #resolve} chose. */
    private void materialize(String name) {
      if (views.contains(name)) {
        return;
      }
      InputVersion version = registered.get(name);
      Optional<SourcePlan> source = plan.source(name);
      if (source.isPresent()) {
        SourceReader.Opened opened = SourceReader.open(session, source.get(), version.version(),
            new SourceReader.Context(plan.pipeline(), runId, listener::warning));
        sources.put(name, opened);
        createView(name, opened.data());
      } else if (!version.location().isEmpty() && !version.location().startsWith("model ")) {
        createView(name, DeltaIO.read(session, version.location(), version.version()));
      }
    }

    private void createView(String name, Dataset<Row> data) {
      data.createOrReplaceTempView("`" + name + "`");
      views.add(name);
    }

    private Fingerprint fingerprint(StepPlan step, List<InputVersion> inputs) {
      return Fingerprint.of(step.configHash(), LakemillVersion.get(), inputs, fingerprints);
    }
  }
}
