package dev.lakemill.ops;

import dev.lakemill.check.Checks;
import dev.lakemill.compile.PipelineCompiler;
import dev.lakemill.delta.DeltaIO;
import dev.lakemill.delta.InputVersion;
import dev.lakemill.engine.step.TrainStepRunner;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.plan.TrainStepPlan;
import dev.lakemill.registry.LineagePins;
import dev.lakemill.registry.ModelRegistry;
import dev.lakemill.registry.ModelVersion;
import dev.lakemill.settings.Environment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Retrains a registered model version from what the registry recorded: its features and train
 * steps' canonical config, its input at the exact Delta version (only the rows one run wrote at it when the
 * model was trained on those, read from their rows pin), the same holdout version (through
 * their lineage pins when Delta's log no longer holds those versions, see {@link LineagePins}). Nothing
 * is registered; the retrained metrics are returned for comparison with the original's.
 */
public final class Reproducer {
  /** The original version and the metrics of the retrained model on the same holdout. */
  public record Reproduced(ModelVersion original, Map<String, Double> metrics) {}

  private final SparkSession spark;

  public Reproducer(SparkSession spark) {
    this.spark = spark;
  }

  public Reproduced reproduce(ModelVersion original, Environment env) {
    InputVersion data = original.dataVersion();
    if (data == null || data.version() < 0) {
      throw OpsErrors.notReproducible(original.ref(), original.dataInput());
    }
    if (!DeltaIO.exists(spark, data.location())) {
      throw OpsErrors.inputGone(original.ref(), data.location());
    }
    Path folder = null;
    try {
      folder = Files.createTempDirectory("lakemill-reproduce");
      Path file = folder.resolve(original.pipeline() + ".conf");
      Files.writeString(file, definition(original, data));
      PipelinePlan plan = Checks.compiler().compile(file, Map.of(), env);
      TrainStepPlan train = (TrainStepPlan) plan.step(original.step()).orElseThrow();
      ModelRegistry registry = new ModelRegistry(spark,
          PipelineCompiler.resolveRoot(env.lakehouseRoot()) + "/" + PipelinePlan.LEDGER_FOLDER);
      boolean archived = registry.archived(original.name()).contains(original.version());
      LineagePins pins = registry.pins();
      Dataset<Row> input = pins.read(original, archived, "training input '" + data.name() + "'", data);
      LineagePins.At holdout = pins.at(original, archived, "holdout", original.holdoutLocation(),
          original.holdoutVersion());
      String tag = "lakemill reproduce " + original.ref();
      TrainStepRunner.Trained trained = new TrainStepRunner(spark, tag).run(train,
          input, holdout.location(), holdout.version(),
          folder.resolve("model").toString(),
          new TrainStepRunner.Draft("reproduce", original.pipeline(), original.lineage(), original.fingerprint()));
      return new Reproduced(original, trained.draft().metrics());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      delete(folder);
    }
  }

  /**
   * A pipeline with one delta source, named like the original input and pinned to the version it
   * read, and the recorded features and train steps.
   */
  static String definition(ModelVersion original, InputVersion data) {
    return "pipeline { name = \"" + original.pipeline() + "\" }\n"
        + "sources { \"" + data.name() + "\" { format = delta, path = \"" + data.location().replace("\"", "\\\"")
        + "\", version-as-of = " + data.version() + " } }\n"
        + "steps " + original.definition() + "\n";
  }

  private static void delete(Path folder) {
    if (folder == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind is not worth failing the command for
    }
  }
}
