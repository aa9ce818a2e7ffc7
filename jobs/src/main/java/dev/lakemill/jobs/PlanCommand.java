package dev.lakemill.jobs;

import dev.lakemill.compile.PipelineCompiler;
import dev.lakemill.compile.PlanRenderer;
import dev.lakemill.compile.Pipelines;
import dev.lakemill.config.PipelineConfigException;
import dev.lakemill.mlcheck.MllibCatalog;
import dev.lakemill.sqlcheck.SparkSqlAnalyzer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakemill plan FILE}: the steps in execution order with inputs and outputs; no Spark. */
@Command(name = "plan", description = "Show the steps in execution order with their inputs and outputs.")
final class PlanCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "Pipeline file.")
  Path file;

  @Option(names = "--format", defaultValue = "text", description = "text, json, mermaid or dot (default: ${DEFAULT-VALUE}).")
  String format;

  @Mixin
  PipelineOptions options;

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
      System.out.print(PlanRenderer.render(new PipelineCompiler(analyzer, MllibCatalog.shared()).compile(spec, options.environment()), f));
      return Lakemill.OK;
    } catch (PipelineConfigException e) {
      System.err.println(e.getMessage());
      return Lakemill.INVALID;
    }
  }
}
