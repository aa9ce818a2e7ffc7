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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs killed, stopped and started twice, each run in its own JVM (the CLI's main, as Airflow starts
 * it), and the test JVM reading what they left behind. Pause points ({@code lakemill.fault.pauseAt})
 * make each kill land at a known moment; nothing here asserts on durations.
 */
class RunSafetyTest {
  private static final Pattern RUN_ID = Pattern.compile("lakemill run \\S+: run (\\S+),");
  private static final long TTL_SECONDS = 5;
  private static final String CONF = """
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
  private static final String SAFETY = """
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
  private static final String TINY = """
      pipeline { name = tiny }
      sources { people { format = generate, generator = churn-customers, rows = 300, seed = 6 } }
      steps {
        numbers { type = sql, sql = "SELECT customer_id, age FROM people", output = silver.numbers }
        total { type = sql, sql = "SELECT count(*) AS n FROM numbers", output = silver.total }
      }
      """;
  private static final String OTHER = """
      pipeline { name = other }
      sources { people { format = generate, generator = churn-customers, rows = 100, seed = 7 } }
      steps { ages { type = sql, sql = "SELECT age, count(*) AS n FROM people GROUP BY age", output = silver.ages } }
      """;

  @TempDir static Path root;
  private static SparkSession spark;
  private static String host;

  @BeforeAll
  static void setUp() throws IOException {
    Files.createDirectories(root.resolve("conf"));
    Files.writeString(root.resolve("conf/application.conf"), CONF);
    Files.writeString(root.resolve("conf/local.conf"), "");
    Files.writeString(root.resolve("safety.conf"), SAFETY);
    Files.writeString(root.resolve("tiny.conf"), TINY);
    Files.writeString(root.resolve("other.conf"), OTHER);
    host = InetAddress.getLocalHost().getHostName();
    spark = PipelineFixture.localSpark("RunSafetyTest reader", 1);
  }

  @AfterAll
  static void tearDown() {
    spark.stop();
  }

  @Test
  void killedRunsAreRecordedAbandonedAndRerunsGiveWhatAnUninterruptedRunGives() throws Exception {
    Path reference = root.resolve("reference");
    Path chain = root.resolve("chain");
    Path retry = root.resolve("retry");
    // Runs in parallel with the first chain: an uninterrupted run, then a kill after the last commit.
    CompletableFuture<String> retried = CompletableFuture.supplyAsync(() -> {
      try {
        CliTest.Outcome ref = inThisJvm(reference, "safety");
        assertThat(ref.exit()).as(ref.out() + ref.err()).isZero();
        return killAfterTheLastCommitThenRetryUnderTheSameRunId(retry);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });

    // Kill 1: during the first step's write, over a table that exists.
    spark.range(3).selectExpr("id AS customer_id").write().format("delta").save(table(chain, "silver.events"));
    ChildJvm a1 = lakemill(chain, "write:silver.events", "safety");
    String a1Id = runId(a1);
    a1.awaitLineStartingWith("lakemill-fault: paused at write:silver.events");
    a1.kill();
    assertThat(latestVersion(chain, "silver.events")).isZero();
    assertThat(rows(chain, "silver.events")).containsExactly("[0]", "[1]", "[2]");
    assertThat(dataFiles(chain, "silver.events")).as("files of the killed write, never committed")
        .isGreaterThan(lake(chain).table("silver.events").inputFiles().length);

    // Kill 2: during the train step's registry update (its model saved, its registry row not committed).
    ChildJvm a3 = lakemill(chain, "register:safety-model", "safety", "--wait");
    String a3Id = runId(a3);
    a3.awaitLineStartingWith("lakemill-fault: paused at register:safety-model");
    assertThat(a3.stdout()).contains("recorded run " + a1Id + " as abandoned: Process " + a1.pid() + "@" + host
        + " stopped without finishing");
    a3.kill();

    ChildJvm b = lakemill(chain, null, "safety", "--wait");
    assertThat(b.await()).as(b.output()).isZero();
    String bId = runId(b);
    assertThat(b.stdout()).contains("recorded run " + a3Id + " as abandoned: Process " + a3.pid() + "@" + host
        + " stopped without finishing", "; committed: events -> silver.events@v1");

    assertThat(runStatuses(chain)).containsExactly(a1Id + " abandoned", a3Id + " abandoned", bId + " succeeded");
    assertThat(runError(chain, a1Id)).isEqualTo(abandonedError(chain, a1Id, a1.pid(), 0));
    assertThat(runError(chain, a3Id)).isEqualTo(abandonedError(chain, a3Id, a3.pid(), 1));
    assertThat(stepStatuses(chain, a1Id)).containsExactly("events not-run", "features not-run", "train not-run",
        "totals not-run", "log not-run");
    assertThat(stepStatuses(chain, a3Id)).containsExactly("events succeeded v1", "features not-run", "train not-run",
        "totals not-run", "log not-run");
    // The recovered commit is as good as a recorded one: the step cache reuses it instead of writing again.
    assertThat(stepStatuses(chain, bId)).containsExactly("events skipped v1", "features succeeded", "train succeeded v1",
        "totals succeeded v0", "log succeeded v0");
    assertThat(b.stdout()).contains("up to date (run " + a3Id + ")");

    // docs/RUNS.md's query lists the killed runs with what each had done.
    String query = DocsExamplesTest.blocks(Path.of("../docs/RUNS.md")).stream().filter(q -> q.language().equals("sql"))
        .findFirst().orElseThrow().text().replace("${ledger}", chain.resolve("_lakemill").toString());
    assertThat(spark.sql(query).collectAsList()).extracting(r -> r.getString(0) + " " + r.getString(2) + " "
        + r.getString(3)).contains(a1Id + " events not-run", a3Id + " events succeeded", a3Id + " train not-run");

    String retryId = retried.get(10, TimeUnit.MINUTES);
    // A recovered step row is what the run would have recorded: same fingerprint and inputs as a normal run's.
    assertThat(stepLineage(chain, a3Id, "events")).isEqualTo(stepLineage(reference, runIds(reference).get(0), "events"));
    for (String t : List.of("silver.events", "gold.totals", "gold.log")) {
      assertThat(rows(chain, t)).as(t).isEqualTo(rows(reference, t));
      assertThat(rows(retry, t)).as(t).isEqualTo(rows(reference, t));
    }
    // Quarantine rows: those of runs whose events step committed, each run's the same as the reference's.
    List<String> quarantined = quarantined(reference, runIds(reference).get(0));
    assertThat(quarantined).isNotEmpty();
    assertThat(quarantineRuns(chain)).containsExactly(a3Id);
    assertThat(quarantined(chain, a3Id)).isEqualTo(quarantined);
    assertThat(quarantineRuns(retry)).containsExactly(retryId);
    // The registry: only complete registrations, each pointing at saved files.
    assertThat(models(chain)).containsExactly("v1 " + bId);
    assertThat(models(retry)).containsExactly("v1 " + retryId);
    for (Path lakehouse : List.of(chain, retry)) {
      for (Row m : lake(lakehouse).table("_lakemill/models")
          .select("model_path").collectAsList()) {
        assertThat(Path.of(m.getString(0).replaceFirst("^file:", ""))).isDirectory();
      }
    }
  }

  /**
   * Kill 3: after every step committed, before the ledger; then a forced retry of two steps under the same
   * run id (without --force the step cache would skip both: their commits were recovered as succeeded). Delta
   * skips both writes: the merge and the append each carry the run's transaction id.
   */
  private String killAfterTheLastCommitThenRetryUnderTheSameRunId(Path retry) throws Exception {
    ChildJvm a2 = lakemill(retry, "committed:log", "safety");
    String a2Id = runId(a2);
    a2.awaitLineStartingWith("lakemill-fault: paused at committed:log");
    a2.kill();
    ChildJvm b2 = lakemill(retry, null, "safety", "--wait", "--steps", "totals,log", "--run-id", a2Id,
        "--force");

    assertThat(b2.await()).as(b2.output()).isZero();
    assertThat(b2.stdout()).contains("recorded run " + a2Id + " as abandoned", "  warning: step log: gold.log already"
        + " has this run's append (v0, run " + a2Id + "); not appending it again. Use a new run id to append once more",
        "  warning: step totals: gold.totals already has this run's merge (v0, run " + a2Id + "); not merging it again."
        + " Use a new run id to merge once more");
    assertThat(runStatuses(retry)).containsExactly(a2Id + " abandoned", a2Id + " succeeded");
    assertThat(runError(retry, a2Id)).isEqualTo(abandonedError(retry, a2Id, a2.pid(), 4));
    assertThat(stepStatuses(retry, a2Id)).containsExactlyInAnyOrder("events succeeded v0", "features not-run",
        "train succeeded v1", "totals succeeded v0", "log succeeded v0", "totals succeeded v0", "log succeeded v0");
    return a2Id;
  }

  @Test
  void sigtermFailsTheCurrentStepRecordsTheRunStopsSparkAndExitsWith1() throws Exception {
    Path lakehouse = root.resolve("sigterm");
    spark.range(3).selectExpr("id AS customer_id").write().format("delta").save(table(lakehouse, "silver.numbers"));
    ChildJvm run = lakemill(lakehouse, "write:silver.numbers", "tiny");
    String id = runId(run);
    run.awaitLineStartingWith("lakemill-fault: paused at write:silver.numbers");

    assertThat(run.terminate()).as(run.output()).isEqualTo(1);

    String stopped = "Step 'numbers' stopped by SIGTERM before it finished";
    assertThat(run.stdout()).contains("lakemill: SIGTERM received: stopping the run after failing its current step",
        String.format("[%d/%d] %-14s %-9s", 1, 2, "numbers", "failed"), stopped, "run " + id + " failed in ");
    assertThat(runStatuses(lakehouse)).containsExactly(id + " failed");
    assertThat(runError(lakehouse, id)).isEqualTo(stopped);
    assertThat(stepStatuses(lakehouse, id)).containsExactly("numbers failed", "total not-run");
    assertThat(lake(lakehouse).table("_lakemill/steps")
        .where("step = 'numbers'").select("error").head().getString(0)).isEqualTo(stopped);
    assertThat(latestVersion(lakehouse, "silver.numbers")).isZero();
    assertThat(rows(lakehouse, "silver.numbers")).containsExactly("[0]", "[1]", "[2]");
    assertThat(lakehouse.resolve("_lakemill/leases/tiny.lease")).doesNotExist();
  }

  @Test
  void runsOfOnePipelineWaitOrFailWhileOtherPipelinesRunAlongside() throws Exception {
    Path lakehouse = root.resolve("concurrent");
    ChildJvm holder = lakemill(lakehouse, "committed:numbers", "tiny");
    String holderId = runId(holder);
    holder.awaitLineStartingWith("lakemill-fault: paused at committed:numbers");

    ChildJvm failing = lakemill(lakehouse, null, "tiny");
    assertThat(failing.await()).as(failing.output()).isEqualTo(1);
    assertThat(failing.stderr()).containsPattern(Pattern.quote("Pipeline 'tiny' is already running: run " + holderId
        + " (pid " + holder.pid() + " on host " + host + "), started ") + "\\S+, last heartbeat \\d+s ago, holds "
        + Pattern.quote(lakehouse.resolve("_lakemill/leases/tiny.lease") + ". Run again with --wait (or lease.on-busy"
        + " = wait) to wait for it to finish; if that process is gone, its lease expires at ") + "\\S+"
        + Pattern.quote(" and the next run records it as abandoned"));

    CliTest.Outcome other = inThisJvm(lakehouse, "other");
    assertThat(other.exit()).as(other.out() + other.err()).isZero();

    ChildJvm waiting = lakemill(lakehouse, null, "tiny", "--wait");
    waiting.awaitLine(l -> l.equals("waiting for run " + holderId + " (pid " + holder.pid() + " on host " + host
        + ") to finish"));
    holder.resume();
    assertThat(holder.await()).as(holder.output()).isZero();
    assertThat(waiting.await()).as(waiting.output()).isZero();

    Matcher otherRun = RUN_ID.matcher(other.out());
    assertThat(otherRun.find()).as(other.out()).isTrue();
    String otherId = otherRun.group(1);
    String waitingId = runId(waiting);
    assertThat(runStatuses(lakehouse)).containsExactly(holderId + " succeeded", otherId + " succeeded",
        waitingId + " succeeded");
    Row held = run(lakehouse, holderId);
    Row alongside = run(lakehouse, otherId);
    Row after = run(lakehouse, waitingId);
    assertThat(alongside.getTimestamp(0)).as("other pipeline ran while tiny's lease was held")
        .isBefore(held.getTimestamp(1));
    assertThat(held.getTimestamp(0)).isBefore(alongside.getTimestamp(1));
    assertThat(after.getTimestamp(0)).as("the waiting run started after the holder ended").isAfter(held.getTimestamp(1));
  }

  @Test
  void concurrentRegistrationsFromTwoProcessesGetUniqueGapFreeVersions() throws Exception {
    Path ledger = root.resolve("registry/_lakemill");
    Path barrier = Files.createDirectories(root.resolve("registry/barrier"));
    List<ChildJvm> children = new ArrayList<>();
    for (String runId : List.of("p1", "p2")) {
      children.add(ChildJvm.start(root, List.of(), RegisterMain.class.getName(),
          List.of(ledger.toString(), runId, "3", barrier.toString(), "2")));
    }
    for (ChildJvm child : children) {
      assertThat(child.await()).as(child.output()).isZero();
    }

    List<Row> versions = lake(ledger).table("models")
        .where("name = 'shared'").select("version", "run_id").orderBy("version").collectAsList();
    assertThat(versions).extracting(r -> r.getInt(0)).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(versions).extracting(r -> r.getString(1)).filteredOn("p1"::equals).hasSize(3);
    assertThat(versions).extracting(r -> r.getString(1)).filteredOn("p2"::equals).hasSize(3);
  }

  @Test
  void waitAndNoWaitTogetherAreRejected() {
    CliTest.Outcome r = CliTest.lakemill("run", root.resolve("tiny.conf").toString(), "--conf",
        root.resolve("conf").toString(), "--lakehouse", root.resolve("flags").toString(), "--wait", "--no-wait");

    assertThat(r.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(r.err()).isEqualTo("Use --wait or --no-wait, not both\n");
    assertThat(root.resolve("flags")).doesNotExist();
  }

  private static ChildJvm lakemill(Path lakehouse, String pauseAt, String pipeline, String... args) {
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
  private static CliTest.Outcome inThisJvm(Path lakehouse, String pipeline) {
    return CliTest.lakemill("run", root.resolve(pipeline + ".conf").toString(), "--conf", root.resolve("conf").toString(),
        "--lakehouse", lakehouse.toString());
  }

  private static String runId(ChildJvm child) throws InterruptedException {
    Matcher m = RUN_ID.matcher(child.awaitLine(l -> RUN_ID.matcher(l).find()));
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  /** The tables in {@code lakehouse}, read with the test JVM's session. */
  private static PipelineFixture lake(Path lakehouse) {
    return new PipelineFixture(spark, lakehouse);
  }

  private static String table(Path lakehouse, String name) {
    return lake(lakehouse).location(name);
  }

  /** A table's rows in a stable order, as text. */
  private static List<String> rows(Path lakehouse, String name) {
    Dataset<Row> data = lake(lakehouse).table(name);
    return data.orderBy(Arrays.stream(data.columns()).map(functions::col).toArray(Column[]::new)).collectAsList()
        .stream().map(Row::toString).toList();
  }

  private static long latestVersion(Path lakehouse, String name) {
    return io.delta.tables.DeltaTable.forPath(spark, table(lakehouse, name)).history(1).head().getLong(0);
  }

  private static long dataFiles(Path lakehouse, String name) throws IOException {
    try (Stream<Path> files = Files.list(Path.of(table(lakehouse, name)))) {
      return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).count();
    }
  }

  private static Dataset<Row> runs(Path lakehouse) {
    return lake(lakehouse).table("_lakemill/runs");
  }

  private static List<String> runStatuses(Path lakehouse) {
    return runs(lakehouse).orderBy("started_at", "ended_at").collectAsList().stream()
        .map(r -> r.getAs("run_id") + " " + r.getAs("status")).toList();
  }

  private static List<String> runIds(Path lakehouse) {
    return runs(lakehouse).orderBy("started_at").select("run_id").collectAsList().stream().map(r -> r.getString(0))
        .toList();
  }

  /** started_at and ended_at of the run's (last) row. */
  private static Row run(Path lakehouse, String runId) {
    return runs(lakehouse).where(functions.col("run_id").equalTo(runId)).orderBy(functions.col("started_at").desc())
        .select("started_at", "ended_at").head();
  }

  private static String runError(Path lakehouse, String runId) {
    return runs(lakehouse).where(functions.col("run_id").equalTo(runId)).orderBy("started_at").select("error").head()
        .getString(0);
  }

  private static String abandonedError(Path lakehouse, String runId, long pid, int committed) {
    Row abandoned = runs(lakehouse).where(functions.col("run_id").equalTo(runId).and(functions.col("status")
        .equalTo("abandoned"))).select("ended_at").head();
    Instant lastHeartbeat = ((Timestamp) abandoned.get(0)).toInstant();
    return "Process " + pid + "@" + host + " stopped without finishing; its lease expired at "
        + lastHeartbeat.plusSeconds(TTL_SECONDS) + " (" + committed + " of 5 step(s) had committed)";
  }

  private static Dataset<Row> steps(Path lakehouse, String runId) {
    return lake(lakehouse).table("_lakemill/steps")
        .where(functions.col("run_id").equalTo(runId));
  }

  /** "step status [vN]" per step row of the run, by position. */
  private static List<String> stepStatuses(Path lakehouse, String runId) {
    return steps(lakehouse, runId).orderBy("position", "status", "output_version").collectAsList().stream()
        .map(r -> r.getAs("step") + " " + r.getAs("status")
            + (r.<Long>getAs("output_version") >= 0 && !r.<String>getAs("status").equals("failed")
                ? " v" + r.<Long>getAs("output_version") : ""))
        .toList();
  }

  private static String stepLineage(Path lakehouse, String runId, String step) {
    Row r = steps(lakehouse, runId).where(functions.col("step").equalTo(step)).select("fingerprint", "inputs").head();
    return r.getString(0) + " " + r.getList(1);
  }

  private static List<String> quarantineRuns(Path lakehouse) {
    return lake(lakehouse).table("silver.events_quarantine")
        .select("_lakemill_run_id").distinct().collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  private static List<String> quarantined(Path lakehouse, String runId) {
    Dataset<Row> q = lake(lakehouse).table("silver.events_quarantine")
        .where(functions.col("_lakemill_run_id").equalTo(runId)).drop("_lakemill_run_id");
    return q.orderBy("customer_id").collectAsList().stream().map(Row::toString).toList();
  }

  private static List<String> models(Path lakehouse) {
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
