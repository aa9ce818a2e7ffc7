package dev.lakemill.jobs;

import static org.apache.spark.sql.functions.col;

import dev.lakemill.check.Checks;
import dev.lakemill.compile.PipelineCompiler;
import dev.lakemill.drift.HistoryEntry;
import dev.lakemill.drift.spark.DriftHistory;
import dev.lakemill.engine.SparkSessions;
import dev.lakemill.error.PipelineConfigException;
import dev.lakemill.ledger.RunLedger;
import dev.lakemill.plan.DriftStepPlan;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.settings.Environment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakemill drift}: what drift steps recorded. */
@Command(name = "drift", mixinStandardHelpOptions = true, description = "Inspect the history of drift steps.",
    subcommands = {DriftCommand.History.class})
final class DriftCommand {
  /** Thrown for a command line that cannot work; exit code 2. */
  static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message);
    }
  }

  @Command(name = "history", mixinStandardHelpOptions = true,
      description = "The drift trend per run date of a pipeline's drift steps: dataset verdict, drifted share,"
          + " on-drift action, and each column's value (* drifted).")
  static final class History implements Callable<Integer> {
    @Parameters(paramLabel = "PIPELINE", description = "A pipeline file, or the name of a pipeline that ran on this"
        + " lakehouse (its file is the one its latest run recorded in the ledger).")
    String pipeline;

    @Option(names = "--column", paramLabel = "COLUMN", description = "One column's values, date by date.")
    String column;

    @Option(names = "--last", paramLabel = "N", defaultValue = "14",
        description = "How many run dates, the latest ones (default: ${DEFAULT-VALUE}).")
    int last;

    @Mixin
    PipelineOptions options;

    @Override
    public Integer call() {
      Environment env;
      PipelinePlan plan = null;
      try {
        env = options.environment();
        if (last < 1) {
          throw new Invalid("Cannot use --last " + last + ": give the number of run dates to show, e.g. --last 14");
        }
        if (Files.isRegularFile(Path.of(pipeline))) {
          plan = compile(Path.of(pipeline), env, options.params);
        }
      } catch (PipelineConfigException | Invalid e) {
        System.err.println(e.getMessage());
        return Lakemill.INVALID;
      }
      SparkSession spark = SparkSessions.create(env, "lakemill drift history");
      try {
        if (plan == null) {
          plan = compile(fileOfLastRun(spark, env, pipeline), env, options.params);
        }
        StringBuilder out = new StringBuilder();
        for (DriftStepPlan step : driftSteps(plan)) {
          List<HistoryEntry> entries = DriftHistory.entries(spark, step.output().location(), plan.pipeline(), null, last,
              column);
          out.append(out.length() == 0 ? "" : "\n").append(DriftHistoryView.render(plan.pipeline(), step, entries, column));
        }
        System.out.print(out);
        return Lakemill.OK;
      } catch (PipelineConfigException | Invalid e) {
        System.err.println(e.getMessage());
        return Lakemill.INVALID;
      } finally {
        spark.stop();
      }
    }

    private static PipelinePlan compile(Path file, Environment env, java.util.Map<String, String> params) {
      PipelinePlan plan = Checks.compiler().compile(file, params, env);
      driftSteps(plan);
      return plan;
    }

    private static List<DriftStepPlan> driftSteps(PipelinePlan plan) {
      List<DriftStepPlan> steps = plan.steps().stream().filter(s -> s instanceof DriftStepPlan)
          .map(s -> (DriftStepPlan) s).toList();
      if (steps.isEmpty()) {
        throw new Invalid("Pipeline " + plan.pipeline() + " (" + plan.file() + ") has no drift step, so no drift"
            + " history; add a step with type = drift");
      }
      return steps;
    }

    /** The pipeline file that the latest run of pipeline {@code name} recorded. */
    private static Path fileOfLastRun(SparkSession spark, Environment env, String name) {
      String root = PipelineCompiler.resolveRoot(env.lakehouseRoot());
      RunLedger ledger = new RunLedger(spark, root + "/" + PipelinePlan.LEDGER_FOLDER);
      List<Row> runs = !ledger.exists() ? List.of() : ledger.runs().where(col("pipeline").equalTo(name))
          .orderBy(col("started_at").desc()).select("pipeline_file").limit(1).collectAsList();
      if (runs.isEmpty()) {
        throw new Invalid("Cannot find pipeline '" + name + "': it is not a file, and the ledger at " + root
            + " has no run of a pipeline with that name; pass the pipeline file, e.g. lakemill drift history"
            + " pipeline-defs/churn-nightly.conf");
      }
      Path file = Path.of(runs.get(0).getString(0));
      if (!Files.isRegularFile(file)) {
        throw new Invalid("Cannot read pipeline file " + file + ", which the latest run of '" + name + "' recorded"
            + " (it is relative to where that run started); pass the pipeline file instead");
      }
      return file;
    }
  }
}
