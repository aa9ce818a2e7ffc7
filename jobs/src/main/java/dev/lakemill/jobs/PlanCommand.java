package dev.lakemill.jobs;

import dev.lakemill.check.Checks;
import dev.lakemill.compile.Compiler;
import dev.lakemill.compile.PlanRenderer;
import dev.lakemill.compile.StepSelection;
import dev.lakemill.delta.KernelTables;
import dev.lakemill.engine.LedgerPrefetch;
import dev.lakemill.engine.PipelineRunner;
import dev.lakemill.engine.RunOptions;
import dev.lakemill.engine.StepDecision;
import dev.lakemill.ledger.RunIds;
import dev.lakemill.ledger.RunLedger;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.settings.Environment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lakemill plan FILE}: the steps in execution order with inputs and outputs, and (text format)
 * whether {@code run} would run or skip each one and why. Starts no Spark: the ledger, the registry and the
 * Delta logs are read through Delta Kernel, file sources' stamps are file listings (no data).
 */
@Command(name = "plan", description = "Show the steps in execution order, and which ones a run would skip and why.")
final class PlanCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "Pipeline file: a local path or a Hadoop URI (hdfs://, s3a://,"
      + " abfss://, file:).")
  String file;

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
    PlanRenderer.Format f = Arrays.stream(PlanRenderer.Format.values()).filter(v -> v.name().equalsIgnoreCase(format))
        .findFirst().orElseThrow(() -> CliErrors.unknownFormat(format));
    if (f == PlanRenderer.Format.TEXT) {
      KernelTables.warmUp();
    }
    Compiler compiler = Checks.compiler();
    Environment env = options.environment();
    // The text format says what a run would do, which reads the ledger: read it while the file compiles.
    LedgerPrefetch ledger = f == PlanRenderer.Format.TEXT ? LedgerPrefetch.start(env) : null;
    var spec = compiler.validate(file, options.params, PipelineOptions.files(env),
        ledger == null ? bound -> {} : bound -> ledger.pipeline(bound.info().name()));
    PipelinePlan plan = compiler.compile(spec, env);
    RunOptions runOptions = new RunOptions(force, StepSelection.steps(plan, forceSteps, "--force-steps"));
    System.out.print(PlanRenderer.render(plan, f));
    if (f == PlanRenderer.Format.TEXT) {
      System.out.print(status(plan, env, ledger, runOptions));
    }
    return Lakemill.OK;
  }

  /** RUN or SKIP per step, with the reason. */
  private static String status(PipelinePlan plan, Environment env, LedgerPrefetch ledger, RunOptions runOptions) {
    int width = plan.steps().stream().mapToInt(s -> s.name().length()).max().orElse(4);
    StringBuilder out = new StringBuilder();
    if (!RunLedger.hasSteps(env, plan.ledgerLocation())) {
      out.append("run would run every step: no earlier run (no ledger at ").append(plan.ledgerLocation()).append(")\n");
      return out.toString();
    }
    out.append("run would (ledger at ").append(plan.ledgerLocation()).append("):\n");
    Set<String> all = StepSelection.select(plan, List.of(), null);
    for (StepDecision d : PipelineRunner.plan(env, ledger, plan, RunIds.generate(), all, runOptions).steps()) {
      if (d instanceof StepDecision.Blocked blocked && blocked.upstream().isEmpty()) {
        throw blocked.error();
      }
      out.append(String.format(Locale.ROOT, "  %-" + width + "s  %s  %s%n", d.step().name(), d.skip() ? "SKIP" : "RUN ",
          d.skip() ? d.reason() + ", reuses v" + d.reusedVersion() : d.reason()));
    }
    return out.toString();
  }
}
