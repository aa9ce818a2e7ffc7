package dev.lakemill.jobs;

import static org.apache.spark.sql.functions.col;

import dev.lakemill.compile.PipelineCompiler;
import dev.lakemill.engine.SparkSessions;
import dev.lakemill.ledger.RunLedger;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.settings.Environment;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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
    Environment env = options.environment();
    String root = env.lakehouseRoot();
    SparkSession spark = SparkSessions.create(env, "lakemill history");
    try {
      RunLedger ledger = new RunLedger(spark, PipelineCompiler.resolveRoot(root) + "/" + PipelinePlan.LEDGER_FOLDER);
      if (json) {
        System.out.print(Json.write(Json.object("lakehouse", root,
            "runs", ledger.exists() ? runs(ledger, pipeline, limit) : List.of())));
        return Lakemill.OK;
      }
      if (!ledger.exists()) {
        System.out.println("No runs recorded under " + root + " yet.");
        return Lakemill.OK;
      }
      System.out.print(render(ledger, pipeline, limit));
      return Lakemill.OK;
    } finally {
      SparkSessions.stop(spark);
    }
  }

  /** The latest {@code limit} runs (newest first) and the ledger rows of their steps. */
  private record Recent(List<Row> runs, List<Row> steps) {
    static Recent read(RunLedger ledger, String pipeline, int limit) {
      List<Row> recent = ledger.runs(runs -> (pipeline == null ? runs : runs.where(col("pipeline").equalTo(pipeline)))
          .orderBy(col("started_at").desc()).limit(limit));
      Object[] runIds = recent.stream().map(r -> r.getAs("run_id")).distinct().toArray();
      return new Recent(recent, ledger.steps(all -> all.where(col("run_id").isin(runIds))
          .orderBy(col("started_at"), col("position"))));
    }

    boolean sameRun(Row run, Row step) {
      return run.getAs("run_id").equals(step.getAs("run_id")) && run.getAs("pipeline").equals(step.getAs("pipeline"));
    }
  }

  /** The runs as {@code --format json} prints them (docs/OUTPUT.md). */
  static List<Object> runs(RunLedger ledger, String pipeline, int limit) {
    Recent recent = Recent.read(ledger, pipeline, limit);
    List<Object> out = new java.util.ArrayList<>();
    for (Row run : recent.runs()) {
      List<Object> steps = new java.util.ArrayList<>();
      for (Row s : recent.steps()) {
        if (recent.sameRun(run, s)) {
          long version = s.getAs("output_version");
          steps.add(Json.object("step", s.getAs("step"), "position", s.getAs("position"), "status", s.getAs("status"),
              "started_at", s.getAs("started_at"), "ended_at", s.getAs("ended_at"), "elapsed_ms", s.getAs("duration_ms"),
              "rows_in", Json.count(s.<Long>getAs("rows_in")), "rows_out", Json.count(s.<Long>getAs("rows_out")),
              "rows_quarantined", s.getAs("rows_quarantined"), "output", Json.text(s.getAs("output_table")),
              "output_version", Json.count(version), "note", Json.text(s.getAs("note")),
              "error", Json.text(s.getAs("error"))));
        }
      }
      out.add(Json.object("run_id", run.getAs("run_id"), "pipeline", run.getAs("pipeline"),
          "pipeline_file", run.getAs("pipeline_file"), "status", run.getAs("status"), "started_at", run.getAs("started_at"),
          "ended_at", run.getAs("ended_at"), "params", run.getJavaMap(run.fieldIndex("params")),
          "lakemill_version", run.getAs("lakemill_version"), "error", Json.text(run.getAs("error")), "steps", steps));
    }
    return out;
  }

  static String render(RunLedger ledger, String pipeline, int limit) {
    Recent r = Recent.read(ledger, pipeline, limit);
    List<Row> recent = r.runs();
    List<Row> steps = r.steps();
    StringBuilder out = new StringBuilder();
    for (Row run : recent) {
      String id = run.getAs("run_id");
      out.append(String.format("%s  %-12s %-9s %s  (lakemill %s)%n", run.getAs("started_at"), run.<String>getAs("pipeline"),
          run.<String>getAs("status"), id, run.<String>getAs("lakemill_version")));
      for (Row s : steps) {
        if (id.equals(s.getAs("run_id")) && run.<String>getAs("pipeline").equals(s.getAs("pipeline"))) {
          long version = s.getAs("output_version");
          String table = s.getAs("output_table");
          out.append(String.format("    %-16s %-10s %8s  rows out %s  %s%n", s.<String>getAs("step"),
              s.<String>getAs("status"), RunCommand.seconds(s.<Long>getAs("duration_ms")),
              RunCommand.rows(s.<Long>getAs("rows_out")), table.isEmpty() ? "" : table + (version < 0 ? "" : "@v" + version)));
        }
      }
    }
    return out.toString();
  }
}
