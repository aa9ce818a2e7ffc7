package dev.lakemill.jobs;

import dev.lakemill.compile.PipelineCompiler;
import dev.lakemill.compile.Pipelines;
import dev.lakemill.compile.StepSelection;
import dev.lakemill.compile.plan.PipelinePlan;
import dev.lakemill.config.Environment;
import dev.lakemill.config.LeaseSettings;
import dev.lakemill.config.PipelineConfigException;
import dev.lakemill.ledger.RunIds;
import dev.lakemill.ledger.RunLeaseException;
import dev.lakemill.ledger.StepRecord;
import dev.lakemill.spark.PipelineRunner;
import dev.lakemill.spark.RunGuard;
import dev.lakemill.spark.RunListener;
import dev.lakemill.spark.RunResult;
import dev.lakemill.spark.SparkSessions;
import dev.lakemill.mlcheck.MllibCatalog;
import dev.lakemill.sqlcheck.SparkSqlAnalyzer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
  @Parameters(paramLabel = "FILE", description = "Pipeline file.")
  Path file;

  @Mixin
  PipelineOptions options;

  @Option(names = "--steps", split = ",", paramLabel = "STEP", description = "Run only these steps.")
  List<String> steps = new ArrayList<>();

  @Option(names = "--from", paramLabel = "STEP", description = "Run this step and everything downstream of it.")
  String from;

  @Option(names = "--run-id", paramLabel = "ID", description = "Run id (default: generated). Steps outside"
      + " --steps are read at the versions recorded for this run id.")
  String runId;

  @Option(names = "--wait", description = "If another run of this pipeline holds its lease, wait for it"
      + " (overrides lease.on-busy).")
  boolean waitForLease;

  @Option(names = "--no-wait", description = "If another run of this pipeline holds its lease, fail at once"
      + " (overrides lease.on-busy).")
  boolean noWait;

  @Override
  public Integer call() {
    PipelinePlan plan;
    Set<String> selected;
    String id;
    Environment env;
    try {
      SparkSqlAnalyzer analyzer = new SparkSqlAnalyzer();
      env = options.environment();
      plan = new PipelineCompiler(analyzer, MllibCatalog.shared()).compile(Pipelines.load(file, options.params, analyzer, MllibCatalog.shared()), env);
      selected = StepSelection.select(plan, steps, from);
      id = runId == null ? RunIds.generate() : RunIds.check(runId);
      if (waitForLease && noWait) {
        throw new IllegalArgumentException("Use --wait or --no-wait, not both");
      }
    } catch (PipelineConfigException | IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return Lakemill.INVALID;
    }
    PrintStream out = System.out;
    out.printf("lakemill run %s: run %s, %d step(s), lakehouse %s%n", plan.pipeline(), id, selected.size(),
        plan.lakehouseRoot());
    RunGuard guard;
    try {
      guard = RunGuard.acquire(plan, id, selected, env,
          waitForLease ? LeaseSettings.OnBusy.WAIT : noWait ? LeaseSettings.OnBusy.FAIL : null, out::println);
    } catch (RunLeaseException e) {
      System.err.println(e.getMessage());
      return Lakemill.RUN_FAILED;
    }
    try (guard) {
      SparkSession spark = SparkSessions.create(env, "lakemill " + plan.pipeline());
      try {
        RunResult result = new PipelineRunner(spark).stopOn(guard.start(spark)).run(plan, id, selected,
            new Progress(out));
        out.print(summary(result));
        return result.succeeded() ? Lakemill.OK : Lakemill.RUN_FAILED;
      } finally {
        spark.stop();
      }
    }
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

  /** One line per finished step. */
  private record Progress(PrintStream out) implements RunListener {
    @Override
    public void stepFinished(StepRecord s, int position, int total) {
      String counts = s.status().equals(StepRecord.SUCCEEDED)
          ? String.format(Locale.ROOT, "rows in %s, out %s, quarantined %s -> %s", rows(s.rowsIn()), rows(s.rowsOut()),
              rows(s.rowsQuarantined()), output(s))
          : s.error();
      out.printf(Locale.ROOT, "[%d/%d] %-14s %-9s %7s  %s%n", position, total, s.step(), s.status(),
          seconds(s.durationMillis()), counts);
    }

    @Override
    public void warning(String message) {
      out.println("  warning: " + message);
    }

    @Override
    public void info(String message) {
      out.println("  " + message);
    }
  }
}
