package dev.lakemill.jobs;

import dev.lakemill.PipelineFixture;
import dev.lakemill.registry.ModelRegistry;
import dev.lakemill.registry.ModelVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * Test main for ConcurrentRunsTest: registers a prepared model version N times under one run id, after
 * every party has written its file into a barrier folder, so that processes register concurrently.
 * Arguments: ledger folder, run id, registrations, barrier folder, parties. Prints "registered vN".
 */
public final class RegisterMain {
  private RegisterMain() {}

  public static void main(String[] args) throws Exception {
    String ledger = args[0];
    String runId = args[1];
    int registrations = Integer.parseInt(args[2]);
    Path barrier = Path.of(args[3]);
    int parties = Integer.parseInt(args[4]);
    SparkSession spark = PipelineFixture.localSpark("register " + runId);
    try {
      ModelRegistry registry = new ModelRegistry(spark, ledger);
      ModelVersion draft = new ModelVersion("shared", 0, runId, "p", "train", null,
          "org.apache.spark.ml.classification.LogisticRegression", "classification", Map.of("maxIter", "5"), "",
          List.of(), Map.of("areaUnderROC", 0.5), "label", List.of("x"), "data", List.of(), ledger + "/holdouts/shared",
          0, "test-fraction=0.2 seed=1", "fingerprint", "{}", "test", spark.version(), ledger + "/m/" + runId);
      Files.createFile(barrier.resolve(runId));
      while (true) {
        try (Stream<Path> ready = Files.list(barrier)) {
          if (ready.count() >= parties) {
            break;
          }
        }
        Thread.sleep(20);
      }
      for (int i = 0; i < registrations; i++) {
        System.out.println("registered v" + registry.register(draft).version());
      }
    } finally {
      spark.stop();
    }
  }
}
