package dev.lakemill.jobs;

import dev.lakemill.check.Checks;
import dev.lakemill.engine.Backfill;
import dev.lakemill.engine.PipelineRunner;
import dev.lakemill.engine.RunOptions;
import dev.lakemill.engine.RunResult;
import dev.lakemill.engine.SparkSessions;
import dev.lakemill.engine.StepProgress;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.plan.StepPlan;
import dev.lakemill.safety.RunGuard;
import dev.lakemill.safety.StopSignal;
import dev.lakemill.settings.Environment;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lakemill backfill FILE --param run-date=FROM..TO}: one run per date of the range, in order, in one
 * SparkSession and under one lease, each under its own run id ({@link Backfill#runId}). Dates that are up to
 * date are skipped; the first failed date stops the backfill (exit 1); {@code --resume} continues from the
 * first date not yet succeeded.
 */
@Command(name = "backfill", description = "Run a pipeline once per date of a range, in order, in one SparkSession.")
final class BackfillCommand implements Callable<Integer> {
  /** The most dates one backfill runs: ten years of days. */
  static final int MAX_DATES = 3660;

  @Parameters(paramLabel = "FILE", description = "Pipeline file.")
  Path file;

  @Mixin
  PipelineOptions options;

  @Option(names = {"--every", "--step"}, defaultValue = "1", paramLabel = "DAYS",
      description = "Stride in days between the dates of the range (default: ${DEFAULT-VALUE}, every date).")
  int every;

  @Option(names = "--resume", description = "Continue from the first date of the range not yet succeeded; for that"
      + " date, rerun only its failed and never-run steps, under its run id.")
  boolean resume;

  @Mixin
  OutputFormat format;

  /** The range param: its name, its value as given, and the dates it stands for. */
  record Range(String param, String value, List<LocalDate> dates) {
    /** The one param of {@code params} whose value holds {@code ..} and no path separator, as dates {@code every} days apart. */
    static Range of(Map<String, String> params, int every) {
      List<String> ranges = params.entrySet().stream()
          .filter(e -> e.getValue().contains("..") && !e.getValue().contains("/") && !e.getValue().contains("\\"))
          .map(Map.Entry::getKey).toList();
      if (ranges.isEmpty()) {
        throw CliErrors.noBackfillRange();
      }
      if (ranges.size() > 1) {
        throw CliErrors.twoBackfillRanges(ranges.stream().map(k -> k + "=" + params.get(k)).toList());
      }
      String param = ranges.get(0);
      String value = params.get(param);
      String[] ends = value.split("\\.\\.", -1);
      if (ends.length != 2 || ends[0].isBlank() || ends[1].isBlank()) {
        throw CliErrors.badBackfillRange(param, value);
      }
      LocalDate from = date(param, value, ends[0]);
      LocalDate to = date(param, value, ends[1]);
      if (to.isBefore(from)) {
        throw CliErrors.rangeEndsBeforeStart(param, value);
      }
      long count = ChronoUnit.DAYS.between(from, to) / every + 1;
      if (count > MAX_DATES) {
        throw CliErrors.tooManyDates(param, value, count, MAX_DATES);
      }
      List<LocalDate> dates = new ArrayList<>();
      for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(every)) {
        dates.add(d);
      }
      return new Range(param, value, List.copyOf(dates));
    }

    private static LocalDate date(String param, String value, String text) {
      try {
        return LocalDate.parse(text);
      } catch (DateTimeParseException e) {
        throw CliErrors.notIsoDate(param, value, text);
      }
    }
  }

  /** What happened to one date: {@code succeeded}, {@code skipped}, {@code failed} or {@code not-run}. */
  record Outcome(LocalDate date, String runId, String status, String reason, long millis, String error,
      Map<String, Object> run) {}

  private final List<Outcome> outcomes = new ArrayList<>();
  private PrintStream out;

  @Override
  public Integer call() {
    long started = System.currentTimeMillis();
    boolean json = format.json();
    if (every < 1) {
      throw CliErrors.badEvery(every);
    }
    Range range = Range.of(options.params, every);
    StepProgress.configuredPeriod();
    Environment env = options.environment();
    PipelinePlan first = compile(env, range, range.dates().get(0));
    List<String> ids = range.dates().stream().map(d -> Backfill.runId(first.pipeline(), d)).toList();
    out = json ? System.err : System.out;
    RunReport lines = new RunReport(out, System.console() != null);
    Set<String> all = new LinkedHashSet<>(first.steps().stream().map(StepPlan::name).toList());
    try (RunGuard guard = RunGuard.acquire(first, ids.get(0), all, env, null, lines::line)) {
      SparkSession spark = SparkSessions.create(env, "lakemill backfill " + first.pipeline());
      try {
        StopSignal stop = guard.start(spark);
        PipelineRunner runner = new PipelineRunner(spark, RunCommand.trigger(first, options)).stopOn(stop);
        Map<String, Backfill.Recorded> recorded = Backfill.recorded(spark, first);
        int resumeAt = resume ? resumeAt(first, range, ids, recorded) : 0;
        if (resumeAt < 0) {
          lines.line(String.format("Nothing to resume: every date of --param %s=%s succeeded (pipeline %s)",
              range.param(), range.value(), first.pipeline()));
          for (int i = 0; i < ids.size(); i++) {
            outcomes.add(new Outcome(range.dates().get(i), ids.get(i), "skipped", "succeeded before (run " + ids.get(i)
                + "); nothing to resume", 0, "", null));
          }
          if (json) {
            System.out.print(Json.write(json(first, range, System.currentTimeMillis() - started)));
          }
          return Lakemill.OK;
        }
        lines.line(String.format(Locale.ROOT, "lakemill backfill %s: %d date(s), --param %s=%s%s, lakehouse %s",
            first.pipeline(), ids.size(), range.param(), range.value(), every == 1 ? "" : " every " + every + " days",
            first.lakehouseRoot()));
        runDates(env, range, ids, first, recorded, resumeAt, runner, stop, guard);
      } finally {
        SparkSessions.stop(spark);
      }
    }
    long elapsed = System.currentTimeMillis() - started;
    boolean failed = outcomes.stream().anyMatch(o -> o.status().equals("failed"));
    out.print(summary(first.pipeline(), range, elapsed));
    if (json) {
      System.out.print(Json.write(json(first, range, elapsed)));
    }
    return failed ? Lakemill.RUN_FAILED : Lakemill.OK;
  }

  private PipelinePlan compile(Environment env, Range range, LocalDate date) {
    Map<String, String> params = new LinkedHashMap<>(options.params);
    params.put(range.param(), date.toString());
    return Checks.compiler().compile(file, params, env);
  }

  /**
   * Under {@code --resume}: the index of the first date whose run is not done, or -1 when all are.
   *
   * @throws dev.lakemill.error.LakemillException when no date of the range has a run in the ledger
   */
  private static int resumeAt(PipelinePlan plan, Range range, List<String> ids, Map<String, Backfill.Recorded> recorded) {
    if (ids.stream().noneMatch(recorded::containsKey)) {
      throw CliErrors.nothingToResumeInRange(plan.ledgerLocation(), plan.pipeline(), range.dates().get(0).toString(),
          range.dates().get(range.dates().size() - 1).toString());
    }
    for (int i = 0; i < ids.size(); i++) {
      Backfill.Recorded r = recorded.get(ids.get(i));
      if (r == null || !r.done(plan)) {
        return i;
      }
    }
    return -1;
  }

  private void runDates(Environment env, Range range, List<String> ids, PipelinePlan first,
      Map<String, Backfill.Recorded> recorded, int resumeAt, PipelineRunner runner, StopSignal stop, RunGuard guard) {
    int n = ids.size();
    for (int i = 0; i < n; i++) {
      LocalDate date = range.dates().get(i);
      String id = ids.get(i);
      String head = String.format(Locale.ROOT, "[%d/%d] %s", i + 1, n, date);
      if (i < resumeAt) {
        skip(head, date, id, "succeeded before (run " + id + "); --resume does not compare its config", n - i - 1);
        continue;
      }
      long t0 = System.nanoTime();
      PipelinePlan plan = i == 0 ? first : compile(env, range, date);
      Backfill.Recorded r = recorded.get(id);
      Set<String> selected = new LinkedHashSet<>(plan.steps().stream().map(StepPlan::name).toList());
      if (i == resumeAt && resume && r != null) {
        selected.removeAll(r.doneConfigs().keySet());
        if (selected.isEmpty()) {
          selected.addAll(plan.steps().stream().map(StepPlan::name).toList());
        }
      } else if (r != null && r.upToDate(plan)) {
        skip(head, date, id, "up to date (run " + id + " succeeded with this config)", n - i - 1);
        continue;
      }
      if (stop.requested()) {
        fail(head, date, id, 0, "Stopped by " + stop.cause() + " before date " + date, null);
        notRun(range, ids, i + 1);
        return;
      }
      guard.runs(id, selected);
      out.println(String.format(Locale.ROOT, "%s started    run %s, %d step(s)%s", head, id, selected.size(),
          selected.size() < plan.steps().size() ? " (resuming: " + String.join(", ", selected) + ")" : ""));
      RunReport report = new RunReport(out, System.console() != null);
      RunResult result = runner.run(plan, id, selected, report, RunOptions.DEFAULT);
      // The date's wall time: compile (but the first date's, done before Spark), step cache, steps, ledger write.
      long millis = (System.nanoTime() - t0) / 1_000_000;
      Map<String, Object> json = report.json(plan, result, null);
      if (!result.succeeded()) {
        fail(head, date, id, millis, result.run().error(), json);
        notRun(range, ids, i + 1);
        return;
      }
      outcomes.add(new Outcome(date, id, "succeeded", "", millis, "", json));
      out.println(String.format(Locale.ROOT, "%s succeeded %7s  run %s; %d date(s) left", head,
          RunCommand.seconds(millis), id, n - i - 1));
    }
  }

  private void skip(String head, LocalDate date, String id, String reason, int left) {
    outcomes.add(new Outcome(date, id, "skipped", reason, 0, "", null));
    out.println(String.format(Locale.ROOT, "%s skipped    %s; %d date(s) left", head, reason, left));
  }

  private void fail(String head, LocalDate date, String id, long millis, String error, Map<String, Object> json) {
    outcomes.add(new Outcome(date, id, "failed", "", millis, error, json));
    out.println(String.format(Locale.ROOT, "%s failed    %7s  run %s: %s", head, RunCommand.seconds(millis), id, error));
  }

  private void notRun(Range range, List<String> ids, int from) {
    for (int i = from; i < ids.size(); i++) {
      outcomes.add(new Outcome(range.dates().get(i), ids.get(i), "not-run", "", 0, "", null));
    }
  }

  /** The closing lines: the counts, and on failure the failed date, its error, the dates left and how to go on. */
  private String summary(String pipeline, Range range, long elapsed) {
    List<LocalDate> succeeded = dates("succeeded");
    List<LocalDate> skipped = dates("skipped");
    List<LocalDate> left = dates("not-run");
    Outcome failed = outcomes.stream().filter(o -> o.status().equals("failed")).findFirst().orElse(null);
    StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%nbackfill %s --param %s=%s %s in %s%n",
        pipeline, range.param(), range.value(), failed == null ? "succeeded" : "failed at " + failed.date(),
        RunCommand.seconds(elapsed)));
    text.append(String.format(Locale.ROOT, "  succeeded: %d date(s)%s%n", succeeded.size(), list(succeeded)));
    text.append(String.format(Locale.ROOT, "  skipped:   %d date(s)%s%n", skipped.size(), list(skipped)));
    if (failed != null) {
      text.append(String.format(Locale.ROOT, "  failed:    %s (run %s): %s%n", failed.date(), failed.runId(),
          failed.error()));
      text.append(String.format(Locale.ROOT, "  left:      %d date(s), not run%s%n", left.size(), list(left)));
      text.append(String.format(Locale.ROOT, "Fix the cause, then rerun with --resume to continue from %s%n",
          failed.date()));
    }
    return text.toString();
  }

  private List<LocalDate> dates(String status) {
    return outcomes.stream().filter(o -> o.status().equals(status)).map(Outcome::date).toList();
  }

  /** {@code " (d1, d2, d3)"}, or {@code " (d1, ..., dN)"} for more than four dates; empty for none. */
  private static String list(List<LocalDate> dates) {
    if (dates.isEmpty()) {
      return "";
    }
    List<String> shown = dates.size() <= 4 ? dates.stream().map(LocalDate::toString).toList()
        : List.of(dates.get(0).toString(), "...", dates.get(dates.size() - 1).toString());
    return " (" + String.join(", ", shown) + ")";
  }

  /** The backfill as {@code --format json} prints it (docs/OUTPUT.md). */
  private Map<String, Object> json(PipelinePlan plan, Range range, long elapsed) {
    boolean failed = outcomes.stream().anyMatch(o -> o.status().equals("failed"));
    List<Object> dates = outcomes.stream().map(o -> (Object) Json.object("date", o.date(), "run_id", o.runId(),
        "status", o.status(), "reason", Json.text(o.reason()), "elapsed_ms", o.status().equals("succeeded")
            || o.status().equals("failed") ? o.millis() : null, "error", Json.text(o.error()), "run", o.run())).toList();
    return Json.object("pipeline", plan.pipeline(), "pipeline_file", plan.file(), "param", range.param(),
        "range", range.value(), "every_days", every,
        "status", failed ? "failed" : "succeeded", "elapsed_ms", elapsed, "lakehouse", plan.lakehouseRoot(),
        "dates", dates);
  }
}
