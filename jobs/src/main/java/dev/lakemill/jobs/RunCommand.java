package dev.lakemill.jobs;

import dev.lakemill.airflow.rest.AirflowDriftTrigger;
import dev.lakemill.check.Checks;
import dev.lakemill.compile.StepSelection;
import dev.lakemill.delta.KernelTables;
import dev.lakemill.drift.DriftTrigger;
import dev.lakemill.engine.LedgerPrefetch;
import dev.lakemill.engine.PipelineRunner;
import dev.lakemill.engine.StepProgress;
import dev.lakemill.engine.RunOptions;
import dev.lakemill.engine.RunResult;
import dev.lakemill.engine.SparkSessions;
import dev.lakemill.ledger.LedgerReader;
import dev.lakemill.ledger.RunIds;
import dev.lakemill.ledger.RunLedger;
import dev.lakemill.ledger.StepRecord;
import dev.lakemill.plan.DriftStepPlan;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.plan.StepPlan;
import dev.lakemill.safety.RunGuard;
import dev.lakemill.settings.Environment;
import dev.lakemill.settings.LeaseSettings;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakemill run FILE}: validate, compile, then run in one SparkSession. */
@Command(name = "run", description = "Validate, compile and run a pipeline.")
final class RunCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "Pipeline file: a local path or a Hadoop URI (hdfs://, s3a://,"
      + " abfss://, file:).")
  String file;

  @Mixin
  PipelineOptions options;

  @Option(names = "--steps", split = ",", paramLabel = "STEP", description = "Run only these steps.")
  List<String> steps = new ArrayList<>();

  @Option(names = "--from", paramLabel = "STEP", description = "Run this step and everything downstream of it.")
  String from;

  @Option(names = "--run-id", paramLabel = "ID", description = "Run id (default: generated). Steps outside"
      + " --steps are read at the versions recorded for this run id.")
  String runId;

  @Option(names = "--force", description = "Run every selected step, also those that are up to date.")
  boolean force;

  @Option(names = "--force-steps", split = ",", paramLabel = "STEP", description = "Run these steps even when up to date.")
  List<String> forceSteps = new ArrayList<>();

  @Option(names = "--resume", arity = "0..1", fallbackValue = "", paramLabel = "RUN_ID",
      description = "Rerun only the failed and never-run steps of the pipeline's latest run (or of RUN_ID), under its run id.")
  String resume;

  @Option(names = "--wait", description = "If another run of this pipeline holds its lease, wait for it"
      + " (overrides lease.on-busy).")
  boolean waitForLease;

  @Option(names = "--no-wait", description = "If another run of this pipeline holds its lease, fail at once"
      + " (overrides lease.on-busy).")
  boolean noWait;

  @Option(names = "--ui", description = "Keep Spark's web UI on (off by default on a local master) and print its URL.")
  boolean ui;

  @Option(names = "--profile", description = "Report where the run's time went, phase by phase (JVM start, config,"
      + " lease, Spark start, ledger, each step, ...): a table on stderr, and \"profile\" in --format json.")
  boolean profile;

  @Mixin
  OutputFormat format;

  /** The session started early for this run ({@link SparkSessions#startEarly}), if it was certain to need one. */
  private SparkSessions.Early early;
  /** The session this run uses, once a step (or an abandoned run to record) needs it. */
  private SparkSession started;

  @Override
  public Integer call() {
    long calledAt = System.currentTimeMillis();
    RunResult.Phases phases = new RunResult.Phases();
    if (resume != null && (runId != null || !steps.isEmpty() || from != null)) {
      throw CliErrors.resumeWithSelection();
    }
    boolean json = format.json();
    StepProgress.configuredPeriod();
    KernelTables.warmUpForRun();
    Environment env = options.environment();
    // Deciding which steps run reads the ledger: read it while the file compiles.
    LedgerPrefetch ledger = LedgerPrefetch.start(env);
    try {
      return run(env, ledger, phases, calledAt, json);
    } finally {
      if (started == null && early != null) {
        early.discard();
      }
    }
  }

  private int run(Environment env, LedgerPrefetch ledger, RunResult.Phases phases, long calledAt, boolean json) {
    PipelinePlan plan = Checks.compiler().compile(file, options.params, env, PipelineOptions.files(env), bound -> {
      ledger.pipeline(bound.info().name());
      // A run whose steps will run whatever the ledger says (--force, or no ledger yet) starts Spark as soon as the
      // pipeline's name is known, while the rest of the file is checked: on two cores the two overlap.
      if (resume == null) {
        early = SparkSessions.startEarly(() -> force || !RunLedger.hasSteps(env, ledger.location()), env,
            "lakemill " + bound.info().name(), ui);
      }
    });
    Set<String> selected = StepSelection.select(plan, steps, from);
    RunOptions runOptions = new RunOptions(force, StepSelection.steps(plan, forceSteps, "--force-steps"));
    DriftTrigger trigger = trigger(plan, options);
    String id = runId == null ? RunIds.generate() : RunIds.check(runId);
    if (waitForLease && noWait) {
      throw CliErrors.waitAndNoWait();
    }
    phases.end("load environment and compile pipeline");
    // In json mode stdout holds the JSON document only: progress, warnings and the profile go to stderr.
    PrintStream out = json ? System.err : System.out;
    RunReport report = new RunReport(out, System.console() != null);
    RunResult result = null;
    try (RunGuard guard = RunGuard.acquire(plan, id, selected, env,
        waitForLease ? LeaseSettings.OnBusy.WAIT : noWait ? LeaseSettings.OnBusy.FAIL : null, report::line)) {
      phases.end("lease");
      // Spark starts only when something needs it: a step that has to run, an abandoned run to record.
      java.util.function.Supplier<SparkSession> spark = () -> {
        if (started == null) {
          SparkSession ready = early != null ? early.get() : null;
          started = ready != null ? ready : SparkSessions.create(env, "lakemill " + plan.pipeline(), ui);
          guard.attach(started);
          if (ui) {
            report.line("Spark UI: " + (started.sparkContext().uiWebUrl().isDefined()
                ? started.sparkContext().uiWebUrl().get()
                : "off (spark.ui.enabled = false in the environment's spark conf)"));
          }
        }
        return started;
      };
      try {
        PipelineRunner runner = PipelineRunner.startingSparkWhenNeeded(env, spark, trigger).stopOn(guard.start(spark))
            .deciding(ledger);
        phases.end("abandoned-run check");
        if (resume != null) {
          Optional<RunLedger.Resumable> resumable = new LedgerReader(env, plan.ledgerLocation())
              .resumable(plan.pipeline(), resume.isEmpty() ? null : resume);
          if (resumable.isEmpty()) {
            throw resume.isEmpty() ? CliErrors.nothingToResume(plan.ledgerLocation(), plan.pipeline())
                : CliErrors.noSuchRun(resume, plan.ledgerLocation(), plan.pipeline());
          }
          RunLedger.Resumable r = resumable.get();
          selected = new LinkedHashSet<>();
          for (StepPlan step : plan.steps()) {
            if (r.remaining().contains(step.name())) {
              selected.add(step.name());
            }
          }
          if (selected.isEmpty()) {
            report.line(String.format("Nothing to resume: run %s of pipeline %s has no failed or never-run steps",
                r.runId(), plan.pipeline()));
            return Lakemill.OK;
          }
          id = r.runId();
          guard.runs(id, selected);
          report.line(String.format("resuming run %s (%s): %s", id, r.status(), String.join(", ", selected)));
          phases.end("resume: ledger query");
        }
        report.line(String.format("lakemill run %s: run %s, %d step(s), lakehouse %s", plan.pipeline(), id,
            selected.size(), plan.lakehouseRoot()));
        result = runner.run(plan, id, selected, report, runOptions);
        phases.end("run (see below)");
        out.print(summary(result));
      } finally {
        if (started != null) {
          SparkSessions.stop(started);
          phases.end("Spark stop");
        }
      }
    }
    List<RunResult.Phase> profiled = profile ? profile(calledAt, phases.list(), result.phases()) : null;
    if (profile) {
      System.err.print(RunReport.profileTable(profiled));
    }
    if (json) {
      System.out.print(Json.write(report.json(plan, result, profiled)));
    }
    return result.succeeded() ? Lakemill.OK : Lakemill.RUN_FAILED;
  }

  /** What the plan's drift steps trigger: Airflow when configured, else nothing (they record what they would trigger). */
  static DriftTrigger trigger(PipelinePlan plan, PipelineOptions options) {
    return plan.steps().stream().anyMatch(s -> s instanceof DriftStepPlan)
        ? AirflowDriftTrigger.configured(options.confLocation(), options.env, System.getenv(),
            PipelineOptions.confFiles())
            .orElse(DriftTrigger.NOT_CONFIGURED)
        : DriftTrigger.NOT_CONFIGURED;
  }

  /**
   * The command's phases with the runner's in place of its "run" phase, after the JVM's start-up (from
   * the JVM's start time to {@code main}, when started through {@link Lakemill#main}).
   */
  static List<RunResult.Phase> profile(long calledAt, List<RunResult.Phase> command, List<RunResult.Phase> run) {
    List<RunResult.Phase> all = new ArrayList<>();
    long mainAt = Lakemill.mainStartedMillis();
    if (mainAt > 0) {
      long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
      all.add(new RunResult.Phase("JVM start to main", mainAt - jvmStart));
      all.add(new RunResult.Phase("main to command (picocli)", calledAt - mainAt));
    }
    long inRunner = run.stream().mapToLong(RunResult.Phase::millis).sum();
    for (RunResult.Phase p : command) {
      if (p.name().equals("run (see below)")) {
        all.addAll(run);
        all.add(new RunResult.Phase("run: listener and summary", Math.max(0, p.millis() - inRunner)));
      } else {
        all.add(p);
      }
    }
    return all;
  }

  static String summary(RunResult result) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%n%-16s %-10s %8s %12s %12s %12s  %s%n",
        "step", "status", "time", "rows in", "rows out", "quarantined", "output"));
    for (StepRecord s : result.steps()) {
      out.append(String.format(Locale.ROOT, "%-16s %-10s %8s %12s %12s %12s  %s%n", s.step(), s.status(),
          seconds(s.durationMillis()), rows(s.rowsIn()), rows(s.rowsOut()), rows(s.rowsQuarantined()), output(s)));
    }
    long total = result.run().endedAt().toEpochMilli() - result.run().startedAt().toEpochMilli();
    out.append(String.format(Locale.ROOT, "run %s %s in %s (ledger %s)%n", result.run().runId(), result.run().status(),
        seconds(total), seconds(result.ledgerMillis())));
    if (!result.succeeded()) {
      out.append("error: ").append(result.run().error()).append('\n');
    }
    return out.toString();
  }

  static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
  }

  static String rows(long n) {
    return n < 0 ? "-" : String.format(Locale.ROOT, "%,d", n);
  }

  static String output(StepRecord s) {
    return s.outputTable().isEmpty() ? "(view)" : s.outputVersion() < 0 ? s.outputTable() : s.outputTable() + "@v" + s.outputVersion();
  }
}
