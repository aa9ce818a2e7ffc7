package dev.lakemill.jobs;

import dev.lakemill.check.Checks;
import dev.lakemill.compile.PipelineCompiler;
import dev.lakemill.delta.KernelTables;
import dev.lakemill.drift.HistoryEntry;
import dev.lakemill.drift.spark.DriftHistory;
import dev.lakemill.ledger.LedgerReader;
import dev.lakemill.plan.DriftStepPlan;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.settings.Environment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakemill drift}: what drift steps recorded. */
@Command(name = "drift", description = "Inspect the history of drift steps.",
    subcommands = {DriftCommand.History.class})
final class DriftCommand {
  @Command(name = "history",
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

    @Mixin
    OutputFormat format;

    @Override
    public Integer call() {
      boolean json = format.json();
      KernelTables.warmUp();
      Environment env = options.environment();
      if (last < 1) {
        throw CliErrors.badLast(last);
      }
      PipelinePlan plan = Files.isRegularFile(Path.of(pipeline)) ? compile(Path.of(pipeline), env, options.params) : null;
      // Read through Delta Kernel: no SparkSession.
      if (plan == null) {
        plan = compile(fileOfLastRun(env, pipeline), env, options.params);
      }
      StringBuilder out = new StringBuilder();
      List<Object> steps = new java.util.ArrayList<>();
      for (DriftStepPlan step : driftSteps(plan)) {
        List<HistoryEntry> entries = DriftHistory.entries(env, step.output().location(), plan.pipeline(), step.name(),
            null, last, column);
        steps.add(DriftHistoryView.json(step, entries));
        out.append(out.length() == 0 ? "" : "\n").append(DriftHistoryView.render(plan.pipeline(), step, entries, column));
      }
      System.out.print(json ? Json.write(Json.object("pipeline", plan.pipeline(), "steps", steps)) : out);
      return Lakemill.OK;
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
        throw CliErrors.noDriftStep(plan.pipeline(), plan.file());
      }
      return steps;
    }

    /** The pipeline file that the latest run of pipeline {@code name} recorded. */
    private static Path fileOfLastRun(Environment env, String name) {
      String root = PipelineCompiler.resolveRoot(env.lakehouseRoot());
      LedgerReader ledger = new LedgerReader(env, root + "/" + PipelinePlan.LEDGER_FOLDER);
      List<LedgerReader.RecentRun> runs = ledger.recent(name, 1).orElse(List.of());
      if (runs.isEmpty()) {
        throw CliErrors.unknownPipeline(name, root);
      }
      Path file = Path.of((String) runs.get(0).run().get("pipeline_file"));
      if (!Files.isRegularFile(file)) {
        throw CliErrors.recordedFileGone(file.toString(), name);
      }
      return file;
    }
  }
}
