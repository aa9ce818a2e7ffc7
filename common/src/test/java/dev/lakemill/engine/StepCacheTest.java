package dev.lakemill.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakemill.PipelineFixture.Run;
import dev.lakemill.SparkTestBase;
import dev.lakemill.check.Checks;
import dev.lakemill.compile.StepSelection;
import dev.lakemill.delta.DeltaIO;
import dev.lakemill.ledger.RunLedger;
import dev.lakemill.ledger.RunStatus;
import dev.lakemill.ledger.StepRecord;
import dev.lakemill.plan.PipelinePlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Up-to-date steps are skipped, and every reason to run again is named. */
class StepCacheTest extends SparkTestBase {
  private static final String PIPELINE = """
      pipeline { name = cache }
      sources {
        events { format = delta, path = "%s" }
        plans { format = csv, path = "%s", options { header = "true" }, schema = "plan STRING, fee DOUBLE" }
      }
      steps {
        joined {
          type = sql
          sql = "SELECT e.id, e.plan, p.fee FROM events e JOIN plans p ON e.plan = p.plan"
          output = silver.joined
        }
        totals {
          type = sql
          sql = "SELECT plan, %s AS n FROM joined GROUP BY plan"
          output = gold.totals
        }
      }
      """;

  private Path file;
  private Path plans;
  private String events;

  @BeforeEach
  void data() throws IOException {
    events = lakehouse.resolve("bronze/events").toString();
    spark.sql("SELECT id, CASE WHEN id % 2 = 0 THEN 'basic' ELSE 'pro' END AS plan FROM range(10)")
        .write().format("delta").save(events);
    plans = lakehouse.resolve("plans.csv");
    Files.writeString(plans, "plan,fee\nbasic,10.0\npro,20.0\n");
    file = write("count(*)");
  }

  private Path write(String aggregate) throws IOException {
    Path f = lakehouse.resolve("cache.conf");
    Files.writeString(f, PIPELINE.formatted(events, plans, aggregate));
    return f;
  }

  private PipelinePlan plan() {
    return lake.plan(file, Map.of());
  }

  private Run run(String runId, RunOptions options) {
    return lake.run(plan(), runId, options);
  }

  private List<String> statuses(Run result) {
    return result.steps().stream().map(s -> s.step() + " " + s.status() + ": " + s.note()).toList();
  }

  @Test
  void theRowsAStepWroteAndItsTableAtTheSameVersionAreDifferentInputs() {
    StepInput table = new StepInput.Table("daily", "/lake/silver/daily", 4, "abc", List.of());
    StepInput rows = new StepInput.Table("daily", "/lake/silver/daily", 4, "abc", List.of(), "run-7");
    Fingerprint before = Fingerprint.of("config", "1.0", List.of(table));
    Fingerprint after = Fingerprint.of("config", "1.0", List.of(rows));

    assertThat(after.hash()).isNotEqualTo(before.hash());
    assertThat(rows.stored().describe()).isEqualTo("rows written by run run-7 at v4");
    assertThat(table.stored().describe()).isEqualTo("table at v4");
    assertThat(after.changesSince(before.parts(), name -> false))
        .isEqualTo("reads only the rows step daily wrote (it read the whole table before)");
    assertThat(before.changesSince(after.parts(), name -> false))
        .isEqualTo("reads the whole table of daily (it read only the rows its step wrote before)");
  }

  @Test
  void aSecondRunWithNothingChangedSkipsEveryStepAndWritesNothing() {
    Run first = run("run-1", RunOptions.DEFAULT);
    Run second = run("run-2", RunOptions.DEFAULT);

    assertThat(statuses(first)).containsExactly("joined succeeded: no earlier successful run",
        "totals succeeded: no earlier successful run");
    assertThat(statuses(second)).containsExactly("joined skipped: up to date (run run-1)",
        "totals skipped: up to date (run run-1)");
    assertThat(second.steps()).extracting(StepRecord::outputVersion).containsExactly(0L, 0L);
    assertThat(second.steps().get(1).fingerprint()).isEqualTo(first.steps().get(1).fingerprint());
    assertThat(DeltaIO.latestVersion(spark, lakehouse.resolve("gold/totals").toString())).isZero();
    assertThat(sql("SELECT status, note FROM delta.`%s/_lakemill/steps` WHERE run_id = 'run-2' ORDER BY position",
        lakehouse).toString()).isEqualTo("[[skipped,up to date (run run-1)], [skipped,up to date (run run-1)]]");
    // After a skip, the reason still names the run that wrote the outputs.
    assertThat(statuses(run("run-3", RunOptions.DEFAULT))).containsExactly("joined skipped: up to date (run run-1)",
        "totals skipped: up to date (run run-1)");
  }

  /**
   * Every run adds a file to each ledger table and deciding a run reads both whole, so a table that reaches
   * DeltaIO.COMPACT_AT_FILES files is compacted by the next ledger write, through Spark even when nothing ran.
   */
  @Test
  void theLedgersTablesAreCompactedOnceTheyHoldTwentyFiles() {
    run("run-1", RunOptions.DEFAULT);
    List<String> tables = List.of(lakehouse.resolve("_lakemill/runs").toString(),
        lakehouse.resolve("_lakemill/steps").toString());
    // Nineteen more files in each table, as nineteen runs of another pipeline would leave.
    for (String t : tables) {
      spark.read().format("delta").load(t).limit(1).withColumn("pipeline", org.apache.spark.sql.functions.lit("other"))
          .crossJoin(spark.range(19)).drop("id").repartition(19).write().format("delta").mode("append").save(t);
      assertThat(files(t)).isEqualTo(20);
    }

    Run second = run("run-2", RunOptions.DEFAULT);

    assertThat(statuses(second)).containsExactly("joined skipped: up to date (run run-1)",
        "totals skipped: up to date (run run-1)");
    assertThat(second.result().phases()).extracting(RunResult.Phase::name)
        .contains("ledger write (Spark: the ledger's tables are from an older lakemill or due for compaction)");
    for (String t : tables) {
      assertThat(files(t)).as(t).isEqualTo(1);
      assertThat(io.delta.tables.DeltaTable.forPath(spark, t).history(1).selectExpr("operation", "operationParameters['auto']")
          .collectAsList().toString()).isEqualTo("[[OPTIMIZE,true]]");
    }
    assertThat(sql("SELECT count(*) FROM delta.`%s` WHERE pipeline = 'cache'", tables.get(0)).toString()).isEqualTo("[[2]]");
    assertThat(sql("SELECT count(*) FROM delta.`%s` WHERE pipeline = 'cache'", tables.get(1)).toString()).isEqualTo("[[4]]");
    // Compacted, the next run with nothing to do writes through Delta Kernel again, and so does one whose
    // steps ran.
    assertThat(run("run-3", RunOptions.DEFAULT).result().phases()).extracting(RunResult.Phase::name)
        .contains("ledger write (Delta Kernel)").doesNotContain("Spark start");
    Run forced = run("run-4", RunOptions.FORCE);
    assertThat(statuses(forced)).containsExactly("joined succeeded: forced (--force)", "totals succeeded: forced (--force)");
    assertThat(forced.result().phases()).extracting(RunResult.Phase::name)
        .contains("Spark start", "ledger write (Delta Kernel)");
    assertThat(sql("SELECT run_id, status FROM delta.`%s` WHERE pipeline = 'cache' ORDER BY started_at", tables.get(0))
        .toString()).isEqualTo("[[run-1,succeeded], [run-2,succeeded], [run-3,succeeded], [run-4,succeeded]]");
  }

  /**
   * Every run ends with Kernel appends to the shared ledger, so two runs (of two pipelines) that end at the
   * same moment prepare their appends from the same table version: the second commit finds the version
   * taken, and Kernel commits it as the next one, since neither append reads what the other wrote.
   */
  @Test
  void twoKernelAppendsPreparedFromTheSameVersionBothLand() {
    String table = lakehouse.resolve("_lakemill/shared").toString();
    spark.sql("SELECT CAST(1 AS BIGINT) AS id, 'first' AS run").write().format("delta").save(table);
    dev.lakemill.delta.KernelTables kernel = dev.lakemill.delta.KernelTables.of(spark.sessionState().newHadoopConf());
    DeltaIO.Damaged damaged = (latest, cause) -> dev.lakemill.delta.TableErrors.damaged("table", table, latest, cause);
    var a = kernel.prepareAppend(table, List.of(Map.of("id", 2L, "run", "a")), damaged).orElseThrow();
    var b = kernel.prepareAppend(table, List.of(Map.of("id", 3L, "run", "b")), damaged).orElseThrow();

    assertThat(a.commit()).isEqualTo(1);
    assertThat(b.commit()).isEqualTo(2);
    assertThat(sql("SELECT id, run FROM delta.`%s` ORDER BY id", table).toString())
        .isEqualTo("[[1,first], [2,a], [3,b]]");

    // Two first runs in a new lakehouse: both create the table; the second finds it created and appends.
    String fresh = lakehouse.resolve("_lakemill/fresh").toString();
    String schema = spark.table("delta.`" + table + "`").schema().json();
    var c = kernel.prepareCreate(fresh, schema, List.of(Map.of("id", 1L, "run", "c")), damaged);
    var d = kernel.prepareCreate(fresh, schema, List.of(Map.of("id", 2L, "run", "d")), damaged);
    assertThat(c.commit()).isZero();
    assertThat(d.commit()).isEqualTo(1);
    assertThat(sql("SELECT id, run FROM delta.`%s` ORDER BY id", fresh).toString()).isEqualTo("[[1,c], [2,d]]");
  }

  /**
   * Deciding a run reads the pipeline's own step records only: in a ledger shared by many pipelines, the files that
   * hold only other pipelines' records are skipped by their statistics (Spark's and Kernel's files alike). Shown
   * with another pipeline's file damaged: reading all records fails on it, reading one pipeline's does not touch it.
   */
  @Test
  void aPipelinesRecordsAreReadWithoutReadingOtherPipelinesFiles() throws IOException {
    String table = lakehouse.resolve("_lakemill/filtered").toString();
    // Spark's files with statistics, as Delta writes them by default (the test JVMs turn them off).
    DeltaIO.withSettings(spark, Map.of("spark.databricks.delta.stats.collect", "true"), () -> {
      spark.sql("SELECT 'a' AS pipeline, CAST(1 AS BIGINT) AS n").write().format("delta").save(table);
      return null;
    });
    Set<Path> before = parquetFiles(table);
    DeltaIO.withSettings(spark, Map.of("spark.databricks.delta.stats.collect", "true"), () -> {
      spark.sql("SELECT 'b' AS pipeline, CAST(2 AS BIGINT) AS n").write().format("delta").mode("append").save(table);
      return null;
    });
    Set<Path> ofB = parquetFiles(table);
    ofB.removeAll(before);
    dev.lakemill.delta.KernelTables kernel = dev.lakemill.delta.KernelTables.of(spark.sessionState().newHadoopConf());
    DeltaIO.Damaged damaged = (latest, cause) -> dev.lakemill.delta.TableErrors.damaged("table", table, latest, cause);
    kernel.prepareAppend(table, List.of(Map.of("pipeline", "c", "n", 3L), Map.of("pipeline", "c", "n", 4L)), damaged)
        .orElseThrow().commit();
    assertThat(ofB).hasSize(1);
    Files.write(ofB.iterator().next(), new byte[] {1, 2, 3});
    List<String> columns = List.of("pipeline", "n");

    assertThat(kernel.rows(table, columns, new dev.lakemill.delta.KernelTables.Equals("pipeline", "a"), damaged)
        .orElseThrow().rows()).isEqualTo(List.of(Map.of("pipeline", "a", "n", 1L)));
    assertThat(kernel.rows(table, columns, new dev.lakemill.delta.KernelTables.Equals("pipeline", "c"), damaged)
        .orElseThrow().rows()).extracting(r -> r.get("n")).containsExactlyInAnyOrder(3L, 4L);
    assertThat(kernel.rows(table, columns, new dev.lakemill.delta.KernelTables.Equals("pipeline", "none"), damaged)
        .orElseThrow().rows()).isEmpty();
    // Names longer than the 32 characters Delta keeps of a string's statistics, written by Kernel and by Spark.
    String longName = "customer-churn-weekly-refresh-" + "x".repeat(40);
    String longer = longName + "-y";
    kernel.prepareAppend(table, List.of(Map.of("pipeline", longer, "n", 5L)), damaged).orElseThrow().commit();
    DeltaIO.withSettings(spark, Map.of("spark.databricks.delta.stats.collect", "true"), () -> {
      spark.sql("SELECT '" + longName + "' AS pipeline, CAST(6 AS BIGINT) AS n").write().format("delta")
          .mode("append").save(table);
      return null;
    });
    assertThat(kernel.rows(table, columns, new dev.lakemill.delta.KernelTables.Equals("pipeline", longer), damaged)
        .orElseThrow().rows()).isEqualTo(List.of(Map.of("pipeline", longer, "n", 5L)));
    assertThat(kernel.rows(table, columns, new dev.lakemill.delta.KernelTables.Equals("pipeline", longName), damaged)
        .orElseThrow().rows()).isEqualTo(List.of(Map.of("pipeline", longName, "n", 6L)));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> kernel.rows(table, columns, damaged))
        .isInstanceOf(dev.lakemill.error.LakemillException.class);
  }

  private static Set<Path> parquetFiles(String table) throws IOException {
    try (var files = Files.list(Path.of(table))) {
      return files.filter(f -> f.toString().endsWith(".parquet")).collect(java.util.stream.Collectors.toSet());
    }
  }

  /** The first run creates the ledger's tables through Kernel: the schema, protocol and rows Spark's first append gives. */
  @Test
  void theFirstRunCreatesTheLedgerThroughKernelAsSparkWould() {
    Run first = run("run-1", RunOptions.DEFAULT);
    assertThat(first.result().phases()).extracting(RunResult.Phase::name).contains("ledger write (Delta Kernel)");
    String bySpark = lakehouse.resolve("spark-ledger").toString();
    new RunLedger(spark, bySpark).record(first.run(), first.steps());

    for (String t : List.of("runs", "steps")) {
      String kernel = lakehouse.resolve("_lakemill/" + t).toString();
      String sparks = bySpark + "/" + t;
      assertThat(spark.read().format("delta").load(kernel).schema()).as(t)
          .isEqualTo(spark.read().format("delta").load(sparks).schema());
      assertThat(detail(kernel)).as(t).isEqualTo(detail(sparks));
      String rows = "SELECT * FROM delta.`%s` ORDER BY 1, " + (t.equals("steps") ? "position" : "pipeline");
      assertThat(sql(rows, kernel)).as(t).isEqualTo(sql(rows, sparks)).isNotEmpty();
    }
  }

  private String detail(String table) {
    return spark.sql("DESCRIBE DETAIL delta.`" + table + "`")
        .selectExpr("partitionColumns", "properties", "minReaderVersion", "minWriterVersion", "tableFeatures")
        .collectAsList().toString();
  }

  private long files(String table) {
    return spark.sql("DESCRIBE DETAIL delta.`" + table + "`").first().<Long>getAs("numFiles");
  }

  @Test
  void aMovedDeltaInputRunsItsReadersAndSaysFromWhichVersionToWhich() {
    run("run-1", RunOptions.DEFAULT);
    spark.sql("SELECT 10L AS id, 'pro' AS plan").write().format("delta").mode("append").save(events);

    Run second = run("run-2", RunOptions.DEFAULT);

    assertThat(statuses(second)).containsExactly("joined succeeded: input events moved from v0 to v1",
        "totals succeeded: input joined moved from v0 to v1");
    assertThat(sql("SELECT sum(n) FROM delta.`%s`", lakehouse.resolve("gold/totals")).get(0).getLong(0)).isEqualTo(11);
  }

  @Test
  void aChangedStepRunsAloneAndItsUpstreamIsReused() throws IOException {
    run("run-1", RunOptions.DEFAULT);
    file = write("count(*) * 2");

    Run second = run("run-2", RunOptions.DEFAULT);

    assertThat(statuses(second)).containsExactly("joined skipped: up to date (run run-1)",
        "totals succeeded: step config changed");
    assertThat(sql("SELECT sum(n) FROM delta.`%s`", lakehouse.resolve("gold/totals")).get(0).getLong(0)).isEqualTo(20);
  }

  @Test
  void aReplacedSourceFileRunsItsReaders() throws IOException {
    run("run-1", RunOptions.DEFAULT);
    Files.writeString(plans, "plan,fee\nbasic,11.0\npro,20.0\n");
    Files.setLastModifiedTime(plans, FileTime.fromMillis(Files.getLastModifiedTime(plans).toMillis() + 5_000));

    Run second = run("run-2", RunOptions.DEFAULT);

    assertThat(statuses(second).get(0))
        .isEqualTo("joined succeeded: source plans changed (file size or modification time)");
  }

  @Test
  void anOutputWrittenSinceIsRebuilt() {
    run("run-1", RunOptions.DEFAULT);
    spark.sql("SELECT 'x' AS plan, 1L AS n").write().format("delta").mode("append")
        .save(lakehouse.resolve("gold/totals").toString());

    Run second = run("run-2", RunOptions.DEFAULT);

    assertThat(statuses(second)).containsExactly("joined skipped: up to date (run run-1)",
        "totals succeeded: output gold.totals was written since v0 (now v1)");
    assertThat(sql("SELECT count(*) FROM delta.`%s`", lakehouse.resolve("gold/totals")).get(0).getLong(0)).isEqualTo(2);
  }

  @Test
  void compactionDoesNotCountAsAWrite() {
    run("run-1", RunOptions.DEFAULT);
    spark.sql("OPTIMIZE delta.`" + lakehouse.resolve("gold/totals") + "`");

    assertThat(statuses(run("run-2", RunOptions.DEFAULT))).containsExactly("joined skipped: up to date (run run-1)",
        "totals skipped: up to date (run run-1)");
  }

  @Test
  void forceRunsEverythingAndForceStepsOnlyTheNamedSteps() {
    run("run-1", RunOptions.DEFAULT);

    assertThat(statuses(run("run-2", RunOptions.FORCE))).containsExactly("joined succeeded: forced (--force)",
        "totals succeeded: forced (--force)");
    assertThat(statuses(run("run-3", new RunOptions(false, Set.of("totals")))))
        .containsExactly("joined skipped: up to date (run run-2)", "totals succeeded: forced (--force)");
  }

  @Test
  void previewSaysWhatARunWouldDoWithoutRunningAnything() {
    run("run-1", RunOptions.DEFAULT);
    spark.sql("SELECT 10L AS id, 'pro' AS plan").write().format("delta").mode("append").save(events);
    long ledgerVersion = DeltaIO.latestVersion(spark, lakehouse.resolve("_lakemill/steps").toString());

    PipelinePlan plan = plan();
    List<Preview> preview = preview(plan, "preview", StepSelection.select(plan, List.of(), null));

    assertThat(preview).containsExactly(
        new Preview("joined", false, "input events moved from v0 to v1", -1),
        new Preview("totals", false, "upstream joined runs", -1));
    assertThat(DeltaIO.latestVersion(spark, lakehouse.resolve("_lakemill/steps").toString())).isEqualTo(ledgerVersion);
    assertThat(DeltaIO.latestVersion(spark, lakehouse.resolve("silver/joined").toString())).isZero();

    run("run-2", RunOptions.DEFAULT);
    assertThat(preview(plan(), "preview", StepSelection.select(plan, List.of(), null))).containsExactly(
        new Preview("joined", true, "up to date (run run-2)", 1),
        new Preview("totals", true, "up to date (run run-2)", 1));
  }

  /** One step of an execution plan: RUN or SKIP, the reason, and the version a SKIP reuses. */
  private record Preview(String step, boolean skip, String reason, long reusedVersion) {}

  private List<Preview> preview(PipelinePlan plan, String runId, Set<String> selected) {
    return new PipelineRunner(spark).plan(plan, runId, selected, RunOptions.DEFAULT).steps().stream()
        .map(d -> new Preview(d.step().name(), d.skip(), d.reason(), d.reusedVersion())).toList();
  }

  @Test
  void resumeFindsTheStepsThatDidNotSucceedUnderTheRunsId() throws IOException {
    file = write("count(*) / 0");
    spark.conf().set("spark.sql.ansi.enabled", "true");
    try {
      Run failed = run("run-1", RunOptions.DEFAULT);
      assertThat(failed.succeeded()).isFalse();
    } finally {
      spark.conf().unset("spark.sql.ansi.enabled");
    }
    RunLedger ledger = new RunLedger(spark, plan().ledgerLocation());

    assertThat(ledger.resumable("cache", null)).hasValue(new RunLedger.Resumable("run-1", RunStatus.FAILED, List.of("totals")));

    file = write("count(*)");
    PipelinePlan plan = plan();
    Run resumed = lake.run(plan, "run-1", "totals");
    assertThat(statuses(resumed)).containsExactly("totals succeeded: no earlier successful run");
    assertThat(ledger.resumable("cache", "run-1")).hasValue(new RunLedger.Resumable("run-1", RunStatus.SUCCEEDED, List.of()));
    assertThat(ledger.resumable("cache", "nope")).isEmpty();
  }
}
