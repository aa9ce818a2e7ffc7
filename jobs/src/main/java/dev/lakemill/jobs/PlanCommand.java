package dev.lakemill.jobs;

import dev.lakemill.check.MllibCatalog;
import dev.lakemill.check.SparkSqlAnalyzer;
import dev.lakemill.compile.PipelineCompiler;
import dev.lakemill.compile.Pipelines;
import dev.lakemill.compile.PlanRenderer;
import dev.lakemill.compile.StepSelection;
import dev.lakemill.engine.PipelineRunner;
import dev.lakemill.engine.RunOptions;
import dev.lakemill.engine.SparkSessions;
import dev.lakemill.engine.StepDecision;
import dev.lakemill.error.PipelineConfigException;
import dev.lakemill.ledger.RunIds;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.settings.Environment;
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

/**
 * {@code lakemill plan FILE}: the steps in execution order with inputs and outputs, and (text format)
 * whether {@code run} would run or skip each one and why. Without a ledger nothing starts Spark; with
 * one, a small local session reads the ledger, the registry and Delta logs (no data).
 */
@Command(name = "plan", description = "Show the steps in execution order, and which ones a run would skip and why.")
final class PlanCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "Pipeline file.")
  Path file;

  @Option(names = "--format", defaultValue = "text", description = "text, json, mermaid or dot (default: ${DEFAULT-VALUE}).")
  String format;

  @Mixin
  PipelineOptions options;

  @Option(names = "--force", description = "Show the plan of run --force (every step runs).")
  boolean force;

  @Option(names = "--force-steps", split = ",", paramLabel = "STEP", description = "Show the plan of run --force-steps.")
  List<String> forceSteps = new ArrayList<>();

  @Override
  public Integer call() {
    PlanRenderer.Format f;
    try {
      f = PlanRenderer.Format.valueOf(format.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      System.err.println("Unknown --format '" + format + "'; use text, json, mermaid or dot");
      return Lakemill.INVALID;
    }
    try {
      SparkSqlAnalyzer analyzer = new SparkSqlAnalyzer();
      var spec = Pipelines.load(file, options.params, analyzer, MllibCatalog.shared());
      Environment env = options.environment();
      PipelinePlan plan = new PipelineCompiler(analyzer, MllibCatalog.shared()).compile(spec, env);
      RunOptions runOptions = new RunOptions(force, StepSelection.steps(plan, forceSteps, "--force-steps"));
      System.out.print(PlanRenderer.render(plan, f));
      if (f == PlanRenderer.Format.TEXT) {
        System.out.print(status(plan, env, runOptions));
      }
      return Lakemill.OK;
    } catch (PipelineConfigException | IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return Lakemill.INVALID;
    }
  }

  /** RUN or SKIP per step, with the reason. */
  static String status(PipelinePlan plan, Environment env, RunOptions runOptions) {
    int width = plan.steps().stream().mapToInt(s -> s.name().length()).max().orElse(4);
    StringBuilder out = new StringBuilder();
    if (!ledgerExists(plan)) {
      out.append("run would run every step: no earlier run (no ledger at ").append(plan.ledgerLocation()).append(")\n");
      return out.toString();
    }
    out.append("run would (ledger at ").append(plan.ledgerLocation()).append("):\n");
    SparkSession spark = SparkSessions.createLocal(env, "lakemill plan " + plan.pipeline());
    try {
      Set<String> all = StepSelection.select(plan, List.of(), null);
      for (StepDecision d : new PipelineRunner(spark).plan(plan, RunIds.generate(), all, runOptions).steps()) {
        if (d instanceof StepDecision.Blocked blocked && blocked.upstream().isEmpty()) {
          throw blocked.error();
        }
        out.append(String.format(Locale.ROOT, "  %-" + width + "s  %s  %s%n", d.step().name(), d.skip() ? "SKIP" : "RUN ",
            d.skip() ? d.reason() + ", reuses v" + d.reusedVersion() : d.reason()));
      }
    } finally {
      spark.stop();
    }
    return out.toString();
  }

  private static boolean ledgerExists(PipelinePlan plan) {
    org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(plan.ledgerLocation() + "/steps/_delta_log");
    try {
      return log.getFileSystem(new org.apache.hadoop.conf.Configuration()).exists(log);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot look for the ledger at " + plan.ledgerLocation(), e);
    }
  }
}
