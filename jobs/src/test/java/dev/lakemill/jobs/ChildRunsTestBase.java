package dev.lakemill.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakemill.PipelineFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link RunSafetyTest} and {@link ConcurrentRunsTest} share: runs in their own JVMs (the CLI's
 * main, as Airflow starts it), and the test JVM reading what they left behind. Pause points
 * ({@code lakemill.fault.pauseAt}) make each kill land at a known moment; nothing here asserts on
 * durations. Two classes rather than one, so that surefire's two forks share the child JVMs' work:
 * in reverse alphabetical order RunSafetyTest, the longest class, starts first and ConcurrentRunsTest
 * late, so the two seldom run their child JVMs at the same time (side by side, both took longer than
 * one class had).
 */
abstract class ChildRunsTestBase {
  static final Pattern RUN_ID = Pattern.compile("lakemill run \\S+: run (\\S+),");
  static final long TTL_SECONDS = 5;
  static final String CONF = """
      lakemill {
        lakehouse-root = ./lakehouse
        spark {
          master = "local[1]"
          conf {
            spark.sql.session.timeZone = UTC
            spark.sql.shuffle.partitions = 1
            spark.databricks.delta.snapshotPartitions = 1
            # Several files per write task, so a write killed midway leaves complete files uncommitted.
            spark.sql.files.maxRecordsPerFile = 50
          }
        }
        lease { ttl = %ds, heartbeat = 500ms, on-busy = fail, wait-timeout = 5m }
      }
      """.formatted(TTL_SECONDS);
  static final String SAFETY = """
      pipeline { name = safety }
      sources { people { format = generate, generator = churn-customers, rows = 300, seed = 5 } }
      steps {
        events {
          type = sql
          sql = "SELECT customer_id, age, region, support_calls, CAST(churned AS DOUBLE) AS churned FROM people"
          expectations { adult { check = "age >= 18", on-violation = drop } }
          output = silver.events
        }
        features {
          type = features
          input = events
          stages = [ { type = VectorAssembler, params { inputCols = [age, support_calls], outputCol = features } } ]
        }
        train {
          type = train
          input = features
          label = churned
          split { test-fraction = 0.2, seed = 42 }
          estimator { type = LogisticRegression, params { maxIter = 5 } }
          register-as = safety-model
        }
        totals {
          type = sql
          sql = "SELECT region, count(*) AS customers FROM events GROUP BY region"
          output { table = gold.totals, mode = merge, merge-keys = [region] }
        }
        log {
          type = sql
          sql = "SELECT region, count(*) AS customers FROM events GROUP BY region"
          output { table = gold.log, mode = append }
        }
      }
      """;
  static final String TINY = """
      pipeline { name = tiny }
      sources { people { format = generate, generator = churn-customers, rows = 300, seed = 6 } }
      steps {
        numbers { type = sql, sql = "SELECT customer_id, age FROM people", output = silver.numbers }
        total { type = sql, sql = "SELECT count(*) AS n FROM numbers", output = silver.total }
      }
      """;
  static final String OTHER = """
      pipeline { name = other }
      sources { people { format = generate, generator = churn-customers, rows = 100, seed = 7 } }
      steps { ages { type = sql, sql = "SELECT age, count(*) AS n FROM people GROUP BY age", output = silver.ages } }
      """;

  @TempDir static Path root;
  static SparkSession spark;
  static String host;

  @BeforeAll
  static void setUp() throws IOException {
    Files.createDirectories(root.resolve("conf"));
    Files.writeString(root.resolve("conf/application.conf"), CONF);
    Files.writeString(root.resolve("conf/local.conf"), "");
    Files.writeString(root.resolve("safety.conf"), SAFETY);
    Files.writeString(root.resolve("tiny.conf"), TINY);
    Files.writeString(root.resolve("other.conf"), OTHER);
    host = InetAddress.getLocalHost().getHostName();
    spark = PipelineFixture.localSpark("RunSafetyTest reader");
  }

  @AfterAll
  static void tearDown() {
    spark.stop();
  }

  static ChildJvm lakemill(Path lakehouse, String pauseAt, String pipeline, String... args) {
    List<String> properties = pauseAt == null ? List.of() : List.of("-Dlakemill.fault.pauseAt=" + pauseAt);
    List<String> command = new ArrayList<>(List.of("run", root.resolve(pipeline + ".conf").toString(), "--conf",
        root.resolve("conf").toString(), "--lakehouse", lakehouse.toString()));
    command.addAll(Arrays.asList(args));
    return ChildJvm.start(root, properties, Lakemill.class.getName(), command);
  }

  /**
   * A run in the test JVM, on its reader session: for runs that nothing kills or pauses, which need no
   * process of their own (a child JVM costs about ten seconds of CPU to start Spark).
   */
  static CliTest.Outcome inThisJvm(Path lakehouse, String pipeline) {
    return CliTest.lakemill("run", root.resolve(pipeline + ".conf").toString(), "--conf", root.resolve("conf").toString(),
        "--lakehouse", lakehouse.toString());
  }

  static String runId(ChildJvm child) throws InterruptedException {
    Matcher m = RUN_ID.matcher(child.awaitLine(l -> RUN_ID.matcher(l).find()));
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  /** The tables in {@code lakehouse}, read with the test JVM's session. */
  static PipelineFixture lake(Path lakehouse) {
    return new PipelineFixture(spark, lakehouse);
  }

  static String table(Path lakehouse, String name) {
    return lake(lakehouse).location(name);
  }

  /** A table's rows in a stable order, as text. */
  static List<String> rows(Path lakehouse, String name) {
    Dataset<Row> data = lake(lakehouse).table(name);
    return data.orderBy(Arrays.stream(data.columns()).map(functions::col).toArray(Column[]::new)).collectAsList()
        .stream().map(Row::toString).toList();
  }

  static long latestVersion(Path lakehouse, String name) {
    return io.delta.tables.DeltaTable.forPath(spark, table(lakehouse, name)).history(1).head().getLong(0);
  }

  static long dataFiles(Path lakehouse, String name) throws IOException {
    try (Stream<Path> files = Files.list(Path.of(table(lakehouse, name)))) {
      return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).count();
    }
  }

  static Dataset<Row> runs(Path lakehouse) {
    return lake(lakehouse).table("_lakemill/runs");
  }

  static List<String> runStatuses(Path lakehouse) {
    return runs(lakehouse).orderBy("started_at", "ended_at").collectAsList().stream()
        .map(r -> r.getAs("run_id") + " " + r.getAs("status")).toList();
  }

  static List<String> runIds(Path lakehouse) {
    return runs(lakehouse).orderBy("started_at").select("run_id").collectAsList().stream().map(r -> r.getString(0))
        .toList();
  }

  /** started_at and ended_at of the run's (last) row. */
  static Row run(Path lakehouse, String runId) {
    return runs(lakehouse).where(functions.col("run_id").equalTo(runId)).orderBy(functions.col("started_at").desc())
        .select("started_at", "ended_at").head();
  }

  static String runError(Path lakehouse, String runId) {
    return runs(lakehouse).where(functions.col("run_id").equalTo(runId)).orderBy("started_at").select("error").head()
        .getString(0);
  }

  static String abandonedError(Path lakehouse, String runId, long pid, int committed) {
    Row abandoned = runs(lakehouse).where(functions.col("run_id").equalTo(runId).and(functions.col("status")
        .equalTo("abandoned"))).select("ended_at").head();
    Instant lastHeartbeat = ((Timestamp) abandoned.get(0)).toInstant();
    return "Process " + pid + "@" + host + " stopped without finishing; its lease expired at "
        + lastHeartbeat.plusSeconds(TTL_SECONDS) + " (" + committed + " of 5 step(s) had committed)";
  }

  static Dataset<Row> steps(Path lakehouse, String runId) {
    return lake(lakehouse).table("_lakemill/steps")
        .where(functions.col("run_id").equalTo(runId));
  }

  /** "step status [vN]" per step row of the run, by position. */
  static List<String> stepStatuses(Path lakehouse, String runId) {
    return steps(lakehouse, runId).orderBy("position", "status", "output_version").collectAsList().stream()
        .map(r -> r.getAs("step") + " " + r.getAs("status")
            + (r.<Long>getAs("output_version") >= 0 && !r.<String>getAs("status").equals("failed")
                ? " v" + r.<Long>getAs("output_version") : ""))
        .toList();
  }

  static String stepLineage(Path lakehouse, String runId, String step) {
    Row r = steps(lakehouse, runId).where(functions.col("step").equalTo(step)).select("fingerprint", "inputs").head();
    return r.getString(0) + " " + r.getList(1);
  }

  static List<String> quarantineRuns(Path lakehouse) {
    return lake(lakehouse).table("silver.events_quarantine")
        .select("_lakemill_run_id").distinct().collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  static List<String> quarantined(Path lakehouse, String runId) {
    Dataset<Row> q = lake(lakehouse).table("silver.events_quarantine")
        .where(functions.col("_lakemill_run_id").equalTo(runId)).drop("_lakemill_run_id");
    return q.orderBy("customer_id").collectAsList().stream().map(Row::toString).toList();
  }

  static List<String> models(Path lakehouse) {
    return lake(lakehouse).table("_lakemill/models").orderBy("version")
        .collectAsList().stream().map(r -> "v" + r.getAs("version") + " " + r.getAs("run_id")).toList();
  }

  static {
    // Fail early and clearly when the launcher flags cannot be found.
    if (!Files.isRegularFile(Path.of("../scripts/java-opts"))) {
      throw new UncheckedIOException(new IOException("../scripts/java-opts not found from " + Path.of("").toAbsolutePath()));
    }
  }
}
