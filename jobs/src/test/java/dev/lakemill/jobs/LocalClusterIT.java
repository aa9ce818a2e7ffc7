package dev.lakemill.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakemill.PipelineFixture;
import dev.lakemill.registry.ModelRegistry;
import dev.lakemill.registry.ModelVersion;
import dev.lakemill.spec.ModelRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application jar on a real Spark standalone cluster (scripts/local-cluster: a master and a worker
 * in their own JVMs, executors in theirs), submitted with Spark's own SparkSubmit through
 * scripts/submit. Runs with the unit tests (surefire); jobs/pom.xml builds the application jar before them.
 */
class LocalClusterIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern RUN_ID = Pattern.compile("lakemill run \\S+: run (\\S+),");
  /** The submit's short-lived driver and executors ({@link #submit}) run with {@link ChildJvm#SHORT_LIVED}. */
  private static final String SHORT_LIVED_FLAGS = String.join(" ", ChildJvm.SHORT_LIVED);

  private static Path clusterDir;
  private static String masterUrl;
  /** The test JVM's session for reading what the cluster wrote: started while the cluster starts and the submit runs. */
  private static CompletableFuture<SparkSession> reader;

  @TempDir Path lakehouse;

  @BeforeAll
  static void startCluster() throws IOException {
    reader = CompletableFuture.supplyAsync(() -> PipelineFixture.localSpark("LocalClusterIT reader"));
    clusterDir = Files.createTempDirectory("lakemill-cluster");
    int port = freePort();
    Result started = exec(List.of(ROOT.resolve("scripts/local-cluster").toString(), "start"),
        Map.of("LAKEMILL_CLUSTER_PORT", String.valueOf(port),
            "LAKEMILL_CLUSTER_UI_PORT", String.valueOf(freePort()),
            "LAKEMILL_WORKER_UI_PORT", String.valueOf(freePort()),
            "LAKEMILL_WORKER_MEMORY", "3g"));
    assertThat(started.exit()).as(started.output()).isZero();
    masterUrl = "spark://127.0.0.1:" + port;
    assertThat(started.output()).contains(masterUrl);
  }

  @AfterAll
  static void stopCluster() throws IOException {
    try {
      if (reader != null) {
        reader.join().stop();
      }
    } finally {
      Result stopped = exec(List.of(ROOT.resolve("scripts/local-cluster").toString(), "stop"), Map.of());
      assertThat(stopped.exit()).as(stopped.output()).isZero();
      Result status = exec(List.of(ROOT.resolve("scripts/local-cluster").toString(), "status"), Map.of());
      assertThat(status.output()).contains("master: stopped", "worker: stopped");
      delete(clusterDir);
    }
  }

  /**
   * One submit of churn.conf (light estimator, see {@link #lightChurn}): prepare, features, train with
   * tuning, gates, registration and scoring all on the cluster's executors. One submit rather than one
   * per pipeline keeps the suite short; churn-prep.conf's steps are churn.conf's prepare plus a group-by.
   */
  @Test
  void churnPreparesTrainsRegistersAndScoresOnTheClustersExecutors() throws IOException {
    Result run = submit(lightChurn().toString(), "rows=2000");

    assertThat(run.exit()).as(run.output()).isZero();
    String runId = runId(run.output());
    assertThat(run.output()).contains("run " + runId + " succeeded");
    Row prepare = local().sql("SELECT status, rows_out, output_version FROM delta.`" + lakehouse.resolve("_lakemill/steps")
        + "` WHERE run_id = '" + runId + "' AND step = 'prepare'").head();
    assertThat(prepare.getString(0)).isEqualTo("succeeded");
    long written = local().read().format("delta").option("versionAsOf", prepare.getLong(2))
        .load(lakehouse.resolve("silver/customers").toString()).collectAsList().size();
    assertThat(written).isEqualTo(prepare.getLong(1)).isBetween(1500L, 2000L);
    assertThat(executorTasks()).as("tasks finished in executor JVMs").isPositive();
    // spark-submit's --executor-memory 1g won over conf/cluster.conf's 2g.
    assertThat(executorCommands()).isNotEmpty().allMatch(c -> c.contains("-Xmx1024M"));

    ModelVersion v1 = new ModelRegistry(local(), lakehouse.resolve("_lakemill").toString())
        .resolve(ModelRef.parse("churn@champion").orElseThrow());
    assertThat(v1.version()).isEqualTo(1);
    assertThat(v1.runId()).isEqualTo(runId);
    assertThat(v1.tuning()).hasSize(2);
    assertThat(Files.isDirectory(Path.of(v1.modelPath().replaceFirst("^file:", "")))).isTrue();
    List<Row> scored = local().sql("SELECT model_version, count(*) FROM delta.`" + lakehouse.resolve("gold/churn_scores")
        + "` GROUP BY model_version").collectAsList();
    assertThat(scored).singleElement().satisfies(r -> {
      assertThat(r.getInt(0)).isEqualTo(1);
      assertThat(r.getLong(1)).isEqualTo(written);
    });
  }

  /**
   * pipeline-defs/churn.conf with its tuned GBT (48 fits of 30 trees: minutes on 2 cores) swapped for a
   * logistic regression tuned over two settings, so the suite stays short; every other step is the file's own.
   */
  private Path lightChurn() throws IOException {
    String churn = Files.readString(ROOT.resolve("pipeline-defs/churn.conf"));
    String gbt = churn.substring(churn.indexOf("    estimator {"), churn.indexOf("    register-as = churn"));
    String light = churn.replace(gbt, """
            estimator { type = LogisticRegression, params { maxIter = 10 } }
            tuning { method = train-validation-split, train-ratio = 0.75, metric = areaUnderROC, grid { regParam = [0.0, 0.01] } }
        """).replace("path = data/plans.csv", "path = \"" + ROOT.resolve("pipeline-defs/data/plans.csv") + "\"");
    assertThat(light).doesNotContain("GBTClassifier").contains("LogisticRegression");
    Path file = lakehouse.resolve("churn-light.conf");
    Files.writeString(file, light);
    return file;
  }

  /**
   * scripts/submit of a pipeline file onto the test cluster, with a fresh lakehouse. The driver and the
   * executors are short-lived JVMs here, so they run with the client compiler only: the submit took 82 s
   * (80 CPU-s in the driver) with C2, 68 s (50 CPU-s) without. Two Delta snapshot partitions instead of
   * Delta's 50: the run computes about 25 snapshots of tiny tables (the registry's, the holdout, inputs read
   * at a version), each a 50-task stage on the cluster's two cores; the submit took 41 s instead of 58 s.
   * Spark's other settings stay its defaults.
   */
  private Result submit(String pipeline, String... params) throws IOException {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("scripts/submit").toString(),
        "--master", masterUrl, "--executor-memory", "1g", "--conf", "spark.sql.shuffle.partitions=4",
        "--conf", "spark.databricks.delta.snapshotPartitions=2",
        "--conf", "spark.executor.extraJavaOptions=" + SHORT_LIVED_FLAGS,
        "run", ROOT.resolve("pipeline-defs").resolve(pipeline).toString(), "--env", "cluster",
        "--conf", ROOT.resolve("conf").toString(), "--lakehouse", lakehouse.toString()));
    for (String p : params) {
      command.add("--param");
      command.add(p);
    }
    return exec(command, Map.of("LAKEMILL_APP_JAR", ROOT.resolve("jobs/target/lakemill-jobs-app.jar").toString(),
        "LAKEMILL_DRIVER_JAVA_OPTS", "-Xmx2g " + SHORT_LIVED_FLAGS));
  }

  private static long executorTasks() throws IOException {
    try (Stream<Path> files = Files.walk(clusterDir.resolve("work"))) {
      return files.filter(p -> p.getFileName().toString().equals("stderr")).mapToLong(p -> {
        try (Stream<String> lines = Files.lines(p)) {
          return lines.filter(l -> l.contains("Finished task")).count();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    }
  }

  /** The command line of every executor the worker launched ("Spark Executor Command: ..."). */
  private static List<String> executorCommands() throws IOException {
    try (Stream<Path> files = Files.walk(clusterDir.resolve("work"))) {
      return files.filter(p -> p.getFileName().toString().equals("stderr")).flatMap(p -> {
        try {
          return Files.readAllLines(p).stream().filter(l -> l.startsWith("Spark Executor Command:"));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).toList();
    }
  }

  private static String runId(String output) {
    Matcher m = RUN_ID.matcher(output);
    assertThat(m.find()).as(output).isTrue();
    return m.group(1);
  }

  /** A small local session in the test JVM, for reading what the cluster wrote. */
  private static SparkSession local() {
    return reader.join();
  }

  private record Result(int exit, String output) {}

  /** Runs a script with the cluster's folder set; output (stdout and stderr) kept in a file. */
  private static Result exec(List<String> command, Map<String, String> env) throws IOException {
    Path log = Files.createTempFile(clusterDir, "exec", ".log");
    ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("LAKEMILL_CLUSTER_DIR", clusterDir.toString());
    pb.environment().putAll(env);
    Process process = pb.start();
    try {
      if (!process.waitFor(15, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError(command + " did not finish in 15 minutes:\n" + Files.readString(log));
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    return new Result(process.exitValue(), Files.readString(log));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void delete(Path folder) throws IOException {
    if (folder == null || !Files.exists(folder)) {
      return;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
