package dev.lakemill.jobs;

import dev.lakemill.delta.InputVersion;
import dev.lakemill.engine.RunListener;
import dev.lakemill.engine.RunResult;
import dev.lakemill.ledger.StepOutput;
import dev.lakemill.ledger.StepRecord;
import dev.lakemill.ledger.StepStatus;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.plan.StepPlan;
import dev.lakemill.plan.ValidateStepPlan;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@code lakemill run} reports while it runs and after: a line when a step starts (what it reads),
 * heartbeats of a long step, a line when it ends, warnings and results; then the summary as text or as
 * JSON (docs/OUTPUT.md). On a terminal a heartbeat is redrawn in place ({@code \r} and erase-line); else
 * (files, Airflow logs) each heartbeat is a plain line and nothing but text and newlines is printed.
 * Heartbeats arrive on their own thread, so printing is synchronized.
 */
final class RunReport implements RunListener {
  /** Erases the current terminal line: carriage return, then ANSI erase-in-line. */
  static final String ERASE_LINE = "\r\u001b[K";

  private final PrintStream out;
  private final boolean terminal;
  private final Map<String, List<String>> messages = new HashMap<>();
  private final Map<String, List<String>> warnings = new HashMap<>();
  private String running = "";
  private boolean inPlace;

  /**
   * @param out where progress goes (stdout for text, stderr for json)
   * @param terminal whether {@code out} is a terminal, where heartbeats are redrawn in place
   */
  RunReport(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  /** A line of its own (the run's header, lease messages), after erasing an in-place heartbeat. */
  synchronized void line(String text) {
    erase();
    out.println(text);
  }

  @Override
  public synchronized void stepStarted(StepPlan step, List<InputVersion> reads, int position, int total) {
    running = step.name();
    erase();
    out.printf(Locale.ROOT, "[%d/%d] %-14s %-9s reads %s%n", position, total, step.name(), "started",
        reads.isEmpty() ? "nothing" : reads.stream().map(RunReport::read).collect(Collectors.joining(", ")));
  }

  @Override
  public synchronized void heartbeat(String step, long elapsedMillis, SparkProgress p) {
    String text = String.format(Locale.ROOT, "      %s: running %s, Spark stages %d/%d, tasks %d/%d", step,
        RunCommand.seconds(elapsedMillis), p.stagesDone(), p.stagesSubmitted(), p.tasksDone(), p.tasksTotal());
    if (terminal) {
      out.print(ERASE_LINE + text);
      out.flush();
      inPlace = true;
    } else {
      out.println(text);
    }
  }

  @Override
  public synchronized void stepFinished(StepRecord s, int position, int total) {
    erase();
    String counts;
    if (s.status() == StepStatus.SUCCEEDED) {
      counts = String.format(Locale.ROOT, "rows in %s, out %s, quarantined %s -> %s", RunCommand.rows(s.rowsIn()),
          RunCommand.rows(s.rowsOut()), RunCommand.rows(s.rowsQuarantined()), RunCommand.output(s))
          + (s.note().isEmpty() ? "" : " (" + s.note() + ")");
    } else if (s.status() == StepStatus.SKIPPED) {
      counts = s.note() + " -> " + RunCommand.output(s);
    } else {
      counts = s.error();
    }
    out.printf(Locale.ROOT, "[%d/%d] %-14s %-9s %7s  %s%n", position, total, s.step(), s.status(),
        RunCommand.seconds(s.durationMillis()), counts);
    running = "";
  }

  @Override
  public synchronized void warning(String message) {
    warnings.computeIfAbsent(running, k -> new ArrayList<>()).add(message);
    erase();
    out.println("  warning: " + message);
  }

  @Override
  public synchronized void info(String message) {
    messages.computeIfAbsent(running, k -> new ArrayList<>()).add(message);
    erase();
    out.println("  " + message);
  }

  private void erase() {
    if (inPlace) {
      out.print(ERASE_LINE);
      inPlace = false;
    }
  }

  /** {@code name@vN}, or the name alone when it has no version or already names it ({@code model churn@v3}). */
  private static String read(InputVersion i) {
    return i.version() < 0 || i.name().endsWith("@v" + i.version()) ? i.name() : i.name() + "@v" + i.version();
  }

  /** The run as {@code run --format json} prints it (docs/OUTPUT.md); {@code profile} null unless asked for. */
  synchronized Map<String, Object> json(PipelinePlan plan, RunResult result, List<RunResult.Phase> profile) {
    List<Object> steps = new ArrayList<>();
    for (StepRecord s : result.steps()) {
      StepPlan step = plan.step(s.step()).orElseThrow();
      steps.add(Json.object("name", s.step(), "kind", kind(step), "position", s.position(), "status", s.status(),
          "reason", Json.text(s.note()), "started_at", s.startedAt(), "ended_at", s.endedAt(),
          "elapsed_ms", s.startedAt() == null ? null : s.durationMillis(), "inputs", s.inputs().stream()
              .map(i -> Json.object("name", i.name(), "location", Json.text(i.location()), "version",
                  Json.count(i.version()))).toList(),
          "rows_in", Json.count(s.rowsIn()), "rows_out", Json.count(s.rowsOut()),
          "rows_quarantined", s.rowsQuarantined(),
          "output_table", s.output() instanceof StepOutput.Table t ? t.name() : null,
          "output_version", s.output() instanceof StepOutput.Table ? Json.count(s.outputVersion()) : null,
          "model", model(step, s), "expectations", s.expectations().stream().map(e -> Json.object("name", e.name(),
              "on_violation", e.onViolation(), "violations", e.violations())).toList(),
          "messages", messages.getOrDefault(s.step(), List.of()), "warnings", warnings.getOrDefault(s.step(), List.of()),
          "error", Json.text(s.error())));
    }
    var run = result.run();
    Map<String, Object> json = Json.object("pipeline", run.pipeline(), "pipeline_file", run.pipelineFile(),
        "run_id", run.runId(), "status", run.status(), "started_at", run.startedAt(), "ended_at", run.endedAt(),
        "elapsed_ms", run.endedAt().toEpochMilli() - run.startedAt().toEpochMilli(), "lakehouse", plan.lakehouseRoot(),
        "params", new java.util.TreeMap<>(run.params()), "lakemill_version", run.lakemillVersion(),
        "error", Json.text(run.error()), "ledger_ms", result.ledgerMillis(), "steps", steps);
    if (profile != null) {
      json.put("profile", profile.stream().map(p -> Json.object("phase", p.name(), "ms", p.millis())).toList());
    }
    return json;
  }

  /** {@code sql}, {@code features}, {@code train}, {@code validate}, {@code score} or {@code drift}. */
  static String kind(StepPlan step) {
    String type = step.getClass().getSimpleName();
    return type.substring(0, type.length() - "StepPlan".length()).toLowerCase(Locale.ROOT);
  }

  /**
   * The model a train or validate step registered, validated, promoted or reused (when skipped), or
   * null for other steps and for train or validate steps that failed.
   */
  private static Map<String, Object> model(StepPlan step, StepRecord s) {
    if (!(s.output() instanceof StepOutput.Model m) || !s.done()) {
      return null;
    }
    String action;
    String alias = null;
    if (s.status() == StepStatus.SKIPPED) {
      action = "reused";
    } else if (step instanceof ValidateStepPlan validate) {
      alias = validate.promoteTo();
      action = alias == null ? "validated" : "promoted";
    } else {
      action = "registered";
    }
    return Json.object("name", m.name(), "version", s.outputVersion(), "action", action, "alias", alias);
  }

  /** The profile as a table for stderr: phase, milliseconds, share of the total. */
  static String profileTable(List<RunResult.Phase> phases) {
    long total = phases.stream().mapToLong(RunResult.Phase::millis).sum();
    int width = Math.max(5, phases.stream().mapToInt(p -> p.name().length()).max().orElse(5));
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%nprofile (wall clock)%n%-" + width + "s  %9s  %5s%n",
        "phase", "ms", "share"));
    for (RunResult.Phase p : phases) {
      out.append(String.format(Locale.ROOT, "%-" + width + "s  %9d  %4.0f%%%n", p.name(), p.millis(),
          total == 0 ? 0.0 : 100.0 * p.millis() / total));
    }
    return out.append(String.format(Locale.ROOT, "%-" + width + "s  %9d%n", "total", total)).toString();
  }
}
