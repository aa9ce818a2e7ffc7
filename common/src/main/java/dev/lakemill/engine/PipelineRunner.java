package dev.lakemill.engine;

import dev.lakemill.LakemillVersion;
import dev.lakemill.compile.StepSelection;
import dev.lakemill.delta.CommitTag;
import dev.lakemill.delta.DeltaIO;
import dev.lakemill.delta.InputVersion;
import dev.lakemill.delta.KernelTables;
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
import dev.lakemill.error.LakemillException;
import dev.lakemill.faults.FaultPoints;
import dev.lakemill.fs.HadoopConf;
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
import dev.lakemill.settings.Environment;
import dev.lakemill.sources.SourceReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a {@link PipelinePlan} in one SparkSession, in two phases: {@link RunPlanner} decides every
 * step first (an {@link ExecutionPlan}: inputs at exact versions, fingerprint, run or skip and why),
 * without Spark (through {@link DecisionReads}), then the decisions are executed in order. The session
 * is asked for only when a step has to run: a run whose steps are all up to date starts no Spark. Sources
 * and step results become temporary views named after them, each step's Spark jobs are labelled with its
 * name, and the ledger gets the run at the end, through Delta Kernel ({@link RunLedger#recordWithoutSpark})
 * whether Spark ran or not. Steps outside the selection that a selected step reads are read at the version the ledger
 * recorded for the same run id, else at the latest successful run's version.
 */
public final class PipelineRunner {
  private final java.util.function.Supplier<SparkSession> spark;
  private final java.util.function.Supplier<org.apache.hadoop.conf.Configuration> hadoop;
  private final java.util.function.Supplier<java.time.ZoneId> zone;
  private final DriftTrigger driftTrigger;
  private StopSignal stop = StopSignal.none();
  private LedgerPrefetch prefetched;

  /** A runner whose drift steps only record the pipelines they would trigger. */
  public PipelineRunner(SparkSession spark) {
    this(spark, DriftTrigger.NOT_CONFIGURED);
  }

  /** @param driftTrigger what drift steps' {@code on-drift { trigger-pipeline }} calls */
  public PipelineRunner(SparkSession spark, DriftTrigger driftTrigger) {
    this(() -> spark, () -> spark.sessionState().newHadoopConf(),
        () -> java.time.ZoneId.of(spark.sessionState().conf().sessionLocalTimeZone()), driftTrigger);
  }

  private PipelineRunner(java.util.function.Supplier<SparkSession> spark,
      java.util.function.Supplier<org.apache.hadoop.conf.Configuration> hadoop,
      java.util.function.Supplier<java.time.ZoneId> zone, DriftTrigger driftTrigger) {
    this.spark = spark;
    this.hadoop = hadoop;
    this.zone = zone;
    this.driftTrigger = driftTrigger;
  }

  /**
   * A runner that asks {@code spark} for its session only when a run has a step to run (each run asks
   * again; the supplier returns the same session): deciding reads with the environment's Hadoop settings.
   */
  public static PipelineRunner startingSparkWhenNeeded(Environment env, java.util.function.Supplier<SparkSession> spark,
      DriftTrigger driftTrigger) {
    return new PipelineRunner(spark, () -> HadoopConf.of(env), env::sessionTimeZone, driftTrigger);
  }

  /**
   * Decides the next run with what {@code read} read of the ledger and the registry (in the background, while
   * the pipeline compiled), re-reading only tables that moved on since.
   */
  public PipelineRunner deciding(LedgerPrefetch read) {
    this.prefetched = read;
    return this;
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

  /**
   * Runs the selected steps: decides every step first ({@link #plan}), then executes the decisions in
   * order; up-to-date steps are skipped unless {@code options} force them.
   */
  public RunResult run(PipelinePlan plan, String runId, Set<String> selected, RunListener listener, RunOptions options) {
    RunResult.Phases phases = new RunResult.Phases();
    Instant started = Instant.now();
    Set<String> toRun = StepSelection.withViewInputs(plan, selected);
    // One Kernel reader for the run: the ledger write at its end reuses the snapshots deciding loaded.
    KernelTables tables = prefetched != null ? prefetched.tables() : KernelTables.of(hadoop.get());
    DecisionReads reads = DecisionReads.kernel(tables, plan, zone.get());
    StepCache cache = cache(reads, plan, options);
    cache.load();
    phases.end("ledger query (latest done steps)");
    RunPlanner planner = new RunPlanner(reads, plan, runId, cache);
    ExecutionPlan decided = planner.plan(toRun);
    phases.end("decide steps (input versions, source stamps, fingerprints)");
    // Spark only when a step has to run: views cost nothing unless a step that runs reads them.
    boolean sparkNeeded = decided.steps().stream().anyMatch(d -> !d.step().isView()
        && (d instanceof StepDecision.Run || d instanceof StepDecision.AfterUpstream));
    SparkSession session = null;
    StepProgress progress = null;
    if (sparkNeeded) {
      session = spark.get().newSession();
      progress = StepProgress.start(session.sparkContext(), listener);
      phases.end("Spark start");
    }
    Execution execution = new Execution(session, plan, runId, listener, planner, driftTrigger, stop, progress,
        toRun.size());
    List<StepRecord> records = new ArrayList<>();
    String error = "";
    LakemillException damaged = null;
    int position = 0;
    try {
      for (StepDecision decision : decided.steps()) {
        StepPlan step = decision.step();
        position++;
        if (error.isEmpty() && stop.requested()) {
          error = stop.stoppedBefore(step.name());
        }
        if (!error.isEmpty()) {
          records.add(notRun(plan, runId, step, position));
          continue;
        }
        StepRecord record;
        try {
          record = stop.explain(execution.execute(decision, position));
        } catch (LakemillException e) {
          // Damaged state (the registry, a lakehouse table) is not this step's fault: record the run, then report it.
          damaged = e;
          error = e.getMessage();
          records.add(notRun(plan, runId, step, position));
          continue;
        }
        records.add(record);
        phases.end("step " + step.name() + " (" + record.status() + ")");
        listener.stepFinished(record, position, toRun.size());
        if (record.status() == StepStatus.FAILED) {
          error = record.error();
        } else {
          FaultPoints.at("committed:" + step.name());
        }
      }
    } finally {
      // Also when a step throws what no step handles (a bug): the heartbeat thread and listener go with the run.
      if (progress != null) {
        progress.close();
      }
    }
    execution.releaseSources();
    RunRecord run = new RunRecord(runId, plan.pipeline(), plan.file(), plan.params(), List.copyOf(toRun), started,
        Instant.now(), error.isEmpty() ? RunStatus.SUCCEEDED : RunStatus.FAILED, LakemillVersion.get(), error);
    phases.end("release sources");
    long ledgerStart = System.nanoTime();
    // Two one-row appends: through Kernel they cost a fraction of a second; through Spark, 3 to 4 s at the
    // end of a run (planning, a job per table, the commit), so Spark only where Kernel cannot append.
    if (RunLedger.recordWithoutSpark(tables, plan.ledgerLocation(), run, records)) {
      phases.end("ledger write (Delta Kernel)");
    } else {
      new RunLedger(session != null ? session : spark.get().newSession(), plan.ledgerLocation()).record(run, records);
      phases.end("ledger write (Spark: the ledger's tables are from an older lakemill or due for compaction)");
    }
    if (damaged != null) {
      throw damaged;
    }
    return new RunResult(run, records, (System.nanoTime() - ledgerStart) / 1_000_000, phases.list());
  }

  /**
   * What a run of the selected steps would do, step by step, without running anything: the decision
   * {@link #run} would execute. Reads the ledger, the registry and Delta logs only.
   */
  public ExecutionPlan plan(PipelinePlan plan, String runId, Set<String> selected, RunOptions options) {
    return plan(DecisionReads.kernel(hadoop.get(), plan, zone.get()), plan, runId, selected, options);
  }

  /**
   * {@link #plan(PipelinePlan, String, Set, RunOptions)} without a SparkSession ({@code lakemill plan}): every
   * read goes through Delta Kernel and Hadoop file listings with the environment's Hadoop settings, starting
   * from what {@code read} read already.
   */
  public static ExecutionPlan plan(Environment env, LedgerPrefetch read, PipelinePlan plan, String runId,
      Set<String> selected, RunOptions options) {
    return plan(DecisionReads.kernel(read.tables(), plan, env.sessionTimeZone()), plan, runId, selected, options);
  }

  private static ExecutionPlan plan(DecisionReads reads, PipelinePlan plan, String runId, Set<String> selected,
      RunOptions options) {
    StepCache cache = cache(reads, plan, options);
    cache.load();
    return new RunPlanner(reads, plan, runId, cache).plan(StepSelection.withViewInputs(plan, selected));
  }

  private static StepCache cache(DecisionReads reads, PipelinePlan plan, RunOptions options) {
    CompletableFuture<Map<String, RunLedger.Recorded>> latest =
        CompletableFuture.supplyAsync(() -> reads.latestDone(plan.pipeline()));
    return new StepCache(reads, plan, () -> {
      try {
        return latest.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }, options);
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

  /** The state of one run: the outputs of the steps executed so far, and the names readable from SQL. */
  private static final class Execution {
    private final SparkSession session;
    private final PipelinePlan plan;
    private final String runId;
    private final RunListener listener;
    private final DriftTrigger driftTrigger;
    private final RunPlanner planner;
    private final StopSignal stop;
    /** What later steps read of each step executed (run or reused) so far. */
    private final Map<String, StepInput> produced = new HashMap<>();
    /** Names readable from SQL in this session (views are created only when a running step reads them). */
    private final Set<String> views = new java.util.HashSet<>();
    private final Map<String, SourceReader.Opened> sources = new HashMap<>();
    private final StepProgress progress;
    private final int total;

    Execution(SparkSession session, PipelinePlan plan, String runId, RunListener listener, RunPlanner planner,
        DriftTrigger driftTrigger, StopSignal stop, StepProgress progress, int total) {
      this.stop = stop;
      this.progress = progress;
      this.total = total;
      this.session = session;
      this.plan = plan;
      this.runId = runId;
      this.listener = listener;
      this.planner = planner;
      this.driftTrigger = driftTrigger;
    }

    /**
     * Executes one decision: a step waiting for an upstream of this run is completed with that
     * upstream's output first; then it is skipped, run, or failed as decided.
     */
    StepRecord execute(StepDecision planned, int position) {
      Instant start = Instant.now();
      StepPlan step = planned.step();
      StepDecision decision = planned instanceof StepDecision.AfterUpstream after
          ? planner.complete(step, thisRun(after.inputs())) : planned;
      List<StepInput> inputs = thisRun(decision.inputs());
      List<InputVersion> stored = inputs.stream().map(StepInput::stored).toList();
      Fingerprint fingerprint = null;
      String note = "";
      try {
        if (decision instanceof StepDecision.Blocked blocked) {
          fingerprint = blocked.fingerprint();
          throw blocked.error();
        }
        List<InputVersion> lineage = RunPlanner.lineage(inputs);
        if (decision instanceof StepDecision.Skip skip) {
          return skipped(skip, position, start, stored, lineage);
        }
        StepDecision.Run run = (StepDecision.Run) decision;
        fingerprint = run.fingerprint();
        note = run.cause();
        if (session == null) {
          return unread(run, position, start, stored, lineage);
        }
        listener.stepStarted(step, stored, position, total);
        progress.started(plan.pipeline(), step.name());
        // Opening a source may run Spark jobs (file checks, a quarantine): they belong to the step.
        Map<String, StepInput> byName = new HashMap<>();
        inputs.forEach(i -> byName.put(i.name(), i));
        JobGroups.withJobGroup(session, plan.pipeline(), step.name(), () -> {
          step.inputs().forEach(name -> materialize(byName.get(name)));
          return null;
        });
        String hash = fingerprint.hash();
        ModelVersion model = inputs.stream().filter(i -> i instanceof StepInput.ScoredModel)
            .map(i -> ((StepInput.ScoredModel) i).model()).findFirst().orElse(null);
        StepOutcome outcome = JobGroups.withJobGroup(session, plan.pipeline(), step.name(),
            () -> step.accept(new StepExecutor(hash, model, stored, byName, lineage)));
        progress.finished();
        return StepRecord.builder(runId, plan.pipeline(), step.name(), position, StepStatus.SUCCEEDED)
            .started(start).ended(Instant.now()).inputs(stored).output(produced(step), outcome.outputVersion())
            .rows(outcome.rowsIn(), outcome.rowsOut(), outcome.rowsQuarantined()).expectations(outcome.expectations())
            .fingerprint(hash, fingerprint.parts()).note(note).build();
      } catch (Exception e) {
        if (progress != null) {
          progress.finished();
        }
        if (e instanceof LakemillException l && l.kind() == LakemillException.Kind.DAMAGED_STATE) {
          throw l;
        }
        StepFailedException failure = RunErrors.wrap(step.name(), badInput(e));
        long written = e instanceof DriftStepRunner.DriftFailed drift ? drift.outputVersion() : -1;
        return StepRecord.builder(runId, plan.pipeline(), step.name(), position, StepStatus.FAILED)
            .started(start).ended(Instant.now()).inputs(stored).output(declaredTable(step), written)
            .fingerprint("", fingerprint == null ? Map.of() : fingerprint.parts()).error(failure.getMessage())
            .note(note).build();
      }
    }

    /**
     * {@code inputs} with each upstream of this run replaced by what it produced, and each delta source
     * on a table a step of this run wrote by that table at the version written.
     */
    private List<StepInput> thisRun(List<StepInput> inputs) {
      return inputs.stream().map(i -> {
        if (i instanceof StepInput.ThisRun pending) {
          return java.util.Objects.requireNonNull(produced.get(pending.name()), pending.name());
        }
        if (i instanceof StepInput.SourceAfterWriter after) {
          return RunPlanner.afterWriter(after.source(),
              java.util.Objects.requireNonNull(produced.get(after.writer()), after.writer()));
        }
        return i;
      }).toList();
    }

    /** An up-to-date step: later steps read its recorded output; nothing is written. */
    private StepRecord skipped(StepDecision.Skip skip, int position, Instant start, List<InputVersion> inputs,
        List<InputVersion> lineage) {
      StepPlan step = skip.step();
      long version = skip.reusedVersion();
      String hash = skip.fingerprint().hash();
      produced.put(step.name(), RunPlanner.output(step, version, skip.reused().runId(), hash, lineage));
      return StepRecord.builder(runId, plan.pipeline(), step.name(), position, StepStatus.SKIPPED).started(start)
          .ended(Instant.now()).inputs(inputs).output(produced(step), version)
          .fingerprint(hash, skip.fingerprint().parts()).note(skip.reason()).build();
    }

    /**
     * A view in a run where no step runs (hence none reads it): there is nothing to compute, so no Spark; its
     * record is that of a view that ran, and later steps of the run see it as such.
     */
    private StepRecord unread(StepDecision.Run run, int position, Instant start, List<InputVersion> inputs,
        List<InputVersion> lineage) {
      StepPlan step = run.step();
      String hash = run.fingerprint().hash();
      produced.put(step.name(), RunPlanner.output(step, -1, runId, hash, lineage));
      return StepRecord.builder(runId, plan.pipeline(), step.name(), position, StepStatus.SUCCEEDED).started(start)
          .ended(Instant.now()).inputs(inputs).output(StepOutput.NONE, -1)
          .fingerprint(hash, run.fingerprint().parts()).note(run.cause()).build();
    }

    /** A failure caused by a bad record of a csv or json source, explained; else {@code e} itself. */
    private Throwable badInput(Exception e) {
      return RecordCheck.failedSource(e).map(sources::get).filter(o -> o.records() != null)
          .<Throwable>map(o -> o.records().explain(e)).orElse(e);
    }

    /**
     * Releases the sources and drops the run's temporary views: Spark keeps a run's session reachable after it,
     * and each view holds its query plan, so a backfill of many dates in one JVM grew by megabytes per date
     * (docs/BENCHMARKS.md, memory of a long backfill).
     */
    void releaseSources() {
      sources.values().forEach(SourceReader.Opened::release);
      if (session != null) {
        session.sessionState().catalog().clearTempTables();
      }
    }

    /** Runs one step of each type inside the run's session, with its commits tagged. */
    private final class StepExecutor implements StepPlanVisitor<StepOutcome> {
      private final String fingerprint;
      private final ModelVersion model;
      private final List<InputVersion> inputs;
      private final Map<String, StepInput> byName;
      private final List<InputVersion> lineage;

      /**
       * @param inputs the inputs as the commit tag records them
       * @param byName the same, typed, by name
       * @param lineage the inputs and what they read in turn, as a trained model records them
       */
      StepExecutor(String fingerprint, ModelVersion model, List<InputVersion> inputs, Map<String, StepInput> byName,
          List<InputVersion> lineage) {
        this.fingerprint = fingerprint;
        this.model = model;
        this.inputs = inputs;
        this.byName = byName;
        this.lineage = lineage;
      }

      /** After a step ran: later steps read its output at the version it wrote, or its view. */
      private void registerOutput(StepPlan step, long version) {
        StepInput output = RunPlanner.output(step, version, runId, fingerprint, lineage);
        if (output instanceof StepInput.Table table) {
          createView(step.name(), read(table));
        }
        produced.put(step.name(), output);
      }

      /** What the run resolved for {@code name}: an input of this step, or the output of an earlier one. */
      private InputVersion version(String name) {
        StepInput input = byName.getOrDefault(name, produced.get(name));
        return input == null ? null : input.stored();
      }

      private String tag(StepPlan step) {
        return new CommitTag(plan.pipeline(), runId, step.name(), fingerprint, inputs).text();
      }

      /** Runs {@code body} with the step's commits tagged, each preceded by the run's lease check (fencing). */
      private <T> T tagged(StepPlan step, java.util.function.Function<String, T> body) {
        String tag = tag(step);
        DeltaIO.tagCommits(session, tag);
        DeltaIO.fenceCommits(session, location -> stop.beforeCommit(step.name(), location));
        try {
          return body.apply(tag);
        } finally {
          DeltaIO.tagCommits(session, null);
          DeltaIO.fenceCommits(session, null);
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
            new TrainStepRunner.Draft(runId, plan.pipeline(), lineage, fingerprint)));
        stop.beforeCommit(step.name(), registry.modelsLocation());
        ModelVersion version = registry.register(trained.draft(), view(step.data()));
        listener.info(String.format(java.util.Locale.ROOT, "registered %s (%s; holdout %,d rows, v%d)", version.ref(),
            ModelText.metrics(version.metrics()), trained.holdoutRows(), version.holdoutVersion()));
        registerOutput(step, version.version());
        return new StepOutcome(version.version(), trained.trainRows() + trained.holdoutRows(), -1, 0, List.of());
      }

      @Override
      public StepOutcome visitValidate(ValidateStepPlan step) {
        InputVersion trained = version(step.trainStep());
        if (trained == null || trained.version() < 1) {
          throw RunErrors.upstreamNeverRan(step.name(), step.trainStep());
        }
        new ValidateStepRunner(session, registry(), runId, listener::info).run(step, (int) trained.version());
        registerOutput(step, trained.version());
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
        DriftStepRunner.Ran ran = tagged(step, tag -> new DriftStepRunner(session, registry(), driftTrigger, listener::info,
            plan.lakehouseRoot()).run(step, plan.pipeline(), runId, Execution.this::view, this::version, tag));
        registerOutput(step, ran.version());
        return new StepOutcome(ran.version(), ran.currentRows(), ran.rowsWritten(), 0, List.of());
      }
    }

    private void reportReuse(StepPlan step, DeltaIO.Written written) {
      if (written.reused()) {
        listener.warning(RunErrors.writeReused(step.name(), step.output(), runId, written.version()));
      }
    }

    private ModelRegistry registry() {
      return new ModelRegistry(session, plan.ledgerLocation());
    }

    private Dataset<Row> view(String name) {
      return session.table("`" + name + "`");
    }

    /** Makes an input readable from SQL at the version decided: a source is opened, a step's table read. */
    private void materialize(StepInput input) {
      if (views.contains(input.name())) {
        return;
      }
      if (input instanceof StepInput.Source source) {
        SourceReader.Opened opened = SourceReader.open(session, source.source(), source.version(),
            new SourceReader.Context(plan.pipeline(), runId, listener::warning));
        sources.put(input.name(), opened);
        createView(input.name(), opened.data());
      } else if (input instanceof StepInput.Table table && !table.location().isEmpty()) {
        createView(input.name(), read(table));
      }
    }

    /** A step's output as its readers get it: the whole table, or the rows its run produced at the version. */
    private Dataset<Row> read(StepInput.Table table) {
      if (!table.stored().rowsOnly()) {
        return DeltaIO.read(session, table.location(), table.version());
      }
      return DeltaIO.readProduced(session, table.location(), table.version(),
          plan.step(table.name()).orElseThrow().output().mode());
    }

    private void createView(String name, Dataset<Row> data) {
      data.createOrReplaceTempView("`" + name + "`");
      views.add(name);
    }
  }
}
