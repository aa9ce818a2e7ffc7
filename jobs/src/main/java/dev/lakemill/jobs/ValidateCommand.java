package dev.lakemill.jobs;

import dev.lakemill.check.Checks;
import dev.lakemill.compile.Compiler;
import dev.lakemill.error.PipelineConfigException;
import dev.lakemill.spec.PipelineSpec;
import dev.lakemill.fs.HadoopFiles;
import dev.lakemill.load.PipelineFiles;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakemill validate FILE...}: every problem of every file, without starting Spark. */
@Command(name = "validate", description = "Check pipeline files without starting Spark; print every problem.")
final class ValidateCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Pipeline files: local paths or Hadoop URIs"
      + " (hdfs://, s3a://, abfss://, file:), read with Hadoop's default settings and $HADOOP_CONF_DIR.")
  List<String> files;

  @Option(names = "--param", paramLabel = "KEY=VALUE", description = "Override a key under params (repeatable).")
  Map<String, String> params = new java.util.LinkedHashMap<>();

  @Override
  public Integer call() {
    Compiler compiler = Checks.compiler();
    int invalid = 0;
    PipelineFiles readable = HadoopFiles.bootstrap();
    for (String file : files) {
      try {
        PipelineSpec spec = compiler.validate(file, params, readable);
        System.out.println(file + ": OK (pipeline " + spec.info().name() + ", " + count(spec.sources().size(), "source")
            + ", " + count(spec.steps().size(), "step") + ")");
      } catch (PipelineConfigException e) {
        invalid++;
        System.err.println(dev.lakemill.error.Escapes.controls(e.getMessage()));
      }
    }
    if (invalid > 0) {
      System.err.println(invalid + " of " + files.size() + " pipeline files invalid");
      return Lakemill.INVALID;
    }
    return Lakemill.OK;
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
