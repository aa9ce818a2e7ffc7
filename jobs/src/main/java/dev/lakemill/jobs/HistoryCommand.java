package dev.lakemill.jobs;

import dev.lakemill.compile.PipelineCompiler;
import dev.lakemill.delta.KernelTables;
import dev.lakemill.ledger.LedgerReader;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.settings.Environment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lakemill history}: recent runs and their steps, from the ledger. */
@Command(name = "history", description = "Show recent runs and their steps from the run ledger.")
final class HistoryCommand implements Callable<Integer> {
  @Option(names = "--pipeline", description = "Only runs of this pipeline.")
  String pipeline;

  @Option(names = "--limit", defaultValue = "10", description = "How many runs (default: ${DEFAULT-VALUE}).")
  int limit;

  @Mixin
  PipelineOptions options;

  @Mixin
  OutputFormat format;

  @Override
  public Integer call() {
    if (limit < 1) {
      throw CliErrors.badLimit(limit);
    }
    boolean json = format.json();
    KernelTables.warmUp();
    Environment env = options.environment();
    String root = env.lakehouseRoot();
    // Read through Delta Kernel: no SparkSession.
    LedgerReader ledger = new LedgerReader(env, PipelineCompiler.resolveRoot(root) + "/" + PipelinePlan.LEDGER_FOLDER);
    java.util.Optional<List<LedgerReader.RecentRun>> recent = ledger.recent(pipeline, limit);
    if (json) {
      System.out.print(Json.write(Json.object("lakehouse", root, "runs", runs(recent.orElse(List.of())))));
      return Lakemill.OK;
    }
    if (recent.isEmpty()) {
      System.out.println("No runs recorded under " + root + " yet.");
      return Lakemill.OK;
    }
    System.out.print(render(recent.get()));
    return Lakemill.OK;
  }

  /** The runs as {@code --format json} prints them (docs/OUTPUT.md). */
  static List<Object> runs(List<LedgerReader.RecentRun> recent) {
    List<Object> out = new java.util.ArrayList<>();
    for (LedgerReader.RecentRun r : recent) {
      Map<String, Object> run = r.run();
      List<Object> steps = new java.util.ArrayList<>();
      for (Map<String, Object> s : r.steps()) {
        long version = (Long) s.get("output_version");
        steps.add(Json.object("step", s.get("step"), "position", s.get("position"), "status", s.get("status"),
            "started_at", s.get("started_at"), "ended_at", s.get("ended_at"), "elapsed_ms", s.get("duration_ms"),
            "rows_in", Json.count((Long) s.get("rows_in")), "rows_out", Json.count((Long) s.get("rows_out")),
            "rows_quarantined", s.get("rows_quarantined"), "output", Json.text((String) s.get("output_table")),
            "output_version", Json.count(version), "note", Json.text((String) s.get("note")),
            "error", Json.text((String) s.get("error"))));
      }
      out.add(Json.object("run_id", run.get("run_id"), "pipeline", run.get("pipeline"),
          "pipeline_file", run.get("pipeline_file"), "status", run.get("status"), "started_at", run.get("started_at"),
          "ended_at", run.get("ended_at"), "params", run.get("params"),
          "lakemill_version", run.get("lakemill_version"), "error", Json.text((String) run.get("error")), "steps", steps));
    }
    return out;
  }

  static String render(List<LedgerReader.RecentRun> recent) {
    StringBuilder out = new StringBuilder();
    for (LedgerReader.RecentRun r : recent) {
      Map<String, Object> run = r.run();
      out.append(String.format("%s  %-12s %-9s %s  (lakemill %s)%n", run.get("started_at"), run.get("pipeline"),
          run.get("status"), run.get("run_id"), run.get("lakemill_version")));
      for (Map<String, Object> s : r.steps()) {
        long version = (Long) s.get("output_version");
        String table = (String) s.get("output_table");
        out.append(String.format("    %-16s %-10s %8s  rows out %s  %s%n", s.get("step"),
            s.get("status"), RunCommand.seconds((Long) s.get("duration_ms")),
            RunCommand.rows((Long) s.get("rows_out")), table.isEmpty() ? "" : table + (version < 0 ? "" : "@v" + version)));
      }
    }
    return out.toString();
  }

}
