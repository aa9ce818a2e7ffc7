package dev.lakemill.jobs;

import static dev.lakemill.jobs.CliTest.CONF;
import static dev.lakemill.jobs.CliTest.lakemill;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakemill.PipelineFixture;
import dev.lakemill.drift.ColumnDrift;
import dev.lakemill.drift.ColumnKind;
import dev.lakemill.drift.DatasetDrift;
import dev.lakemill.drift.DriftMethod;
import dev.lakemill.drift.Histogram;
import dev.lakemill.drift.spark.DriftHistory;
import dev.lakemill.engine.SparkSessions;
import dev.lakemill.jobs.CliTest.Outcome;
import dev.lakemill.ledger.RunLedger;
import dev.lakemill.ledger.RunRecord;
import dev.lakemill.ledger.RunStatus;
import dev.lakemill.ledger.StepRecord;
import dev.lakemill.ledger.StepStatus;
import dev.lakemill.registry.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import dev.lakemill.delta.InputVersion;
import dev.lakemill.ops.Doctor;
import dev.lakemill.registry.ModelVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Damaged lakemill tables through the command line: a garbled commit, a missing data file and a missing
 * table (a lost {@code _delta_log}) of the run ledger, the model registry and a drift history, each read
 * by the commands that read it. One lakehouse is seeded once with two commits per table (no pipeline run,
 * a seeding session stopped before the commands start their own); each case damages its own copy.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DamagedStateTest {
  static final String NIGHTLY = "../pipeline-defs/churn-nightly.conf";

  @TempDir static Path dir;
  /** The seeding session, used by the doctor's in-process tests, which run first; the first command stops it. */
  static SparkSession spark;
  static Path lake;
  static Path file;
  private static final Map<String, Path> COPIES = new HashMap<>();

  enum Damage { GARBLED_COMMIT, MISSING_DATA_FILE, MISSING_TABLE }

  @BeforeAll
  static void seed() throws IOException {
    lake = dir.resolve("lake");
    file = Files.writeString(dir.resolve("small.conf"), """
        pipeline { name = small }
        sources { customers { format = generate, generator = churn-customers, rows = 20 } }
        steps { s { type = sql, sql = "SELECT * FROM customers", output = silver.s } }
        """);
    spark = PipelineFixture.localSpark("seed");
    String table = lake.resolve("silver/s").toString();
    spark.range(3).toDF("id").write().format("delta").save(table);
    {
      RunLedger ledger = new RunLedger(spark, lake.resolve("_lakemill").toString());
      ModelRegistry registry = new ModelRegistry(spark, lake.resolve("_lakemill").toString());
      for (int i = 1; i <= 2; i++) {
        Instant at = Instant.parse("2026-11-0" + i + "T02:00:00Z");
        ledger.record(new RunRecord("r" + i, "small", file.toString(), Map.of(), List.of("s"), at, at.plusSeconds(60),
            RunStatus.FAILED, "test", "Step 's' failed"), List.of(StepRecord.builder("r" + i, "small", "s", 1,
            StepStatus.FAILED).started(at).ended(at.plusSeconds(60)).error("Step 's' failed").build()));
        registry.register(trainedOn(ModelsCommandTest.draft("churn", "r" + i, 0.8), table));
        DriftHistory.Run run = new DriftHistory.Run("r" + i, LocalDate.parse("2026-11-01").plusDays(i),
            "churn-nightly", "drift", "churn", 1, "silver.customers", 7, "gold.churn_scores_daily", i);
        Histogram h = new Histogram(List.of("a"), new double[0], new long[] {10}, new long[] {10});
        DatasetDrift drift = new DatasetDrift(List.of(new ColumnDrift("age", ColumnKind.NUMERIC, DriftMethod.PSI, 0.01,
            Double.NaN, 0.2, false, 0.0, 10, 10, 0, 0, h)), 0.5);
        spark.createDataFrame(DriftHistory.rows(run, drift, "", at), DriftHistory.SCHEMA).write().format("delta")
            .mode("append").save(lake.resolve("monitoring/churn_drift").toString());
      }
    }
  }

  /** {@code draft} trained on {@code table} at v0, without a holdout. */
  static ModelVersion trainedOn(ModelVersion d, String table) {
    return new ModelVersion(d.name(), d.version(), d.runId(), d.pipeline(), d.step(), d.createdAt(), d.estimatorClass(),
        d.problemType(), d.params(), d.tuningMetric(), d.tuning(), d.metrics(), d.label(), d.featureColumns(),
        d.dataInput(), List.of(new InputVersion("s", table, 0)), "", -1, d.split(), d.fingerprint(), d.definition(),
        d.lakemillVersion(), d.sparkVersion(), d.modelPath());
  }

  @Test
  @Order(1)
  void doctorFindsNothingWrongInAHealthyLakehouse() {
    Doctor.Report report = new Doctor(spark).check(lake.toString());

    assertThat(report.findings()).isEmpty();
    assertThat(report.checked()).containsExactly(lake + "/_lakemill/runs", lake + "/_lakemill/steps",
        lake + "/_lakemill/models", lake + "/monitoring/churn_drift", lake + "/silver/s");
    assertThat(DoctorCommand.render(report)).isEqualTo("lakemill doctor: lakehouse " + lake + ", 5 table(s) checked\n"
        + "all well: every table is readable, no stale leases, no rows of unfinished runs, no model data older than"
        + " its log retention\n");
  }

  @Test
  @Order(1)
  void doctorNamesEachDamagedTable() throws IOException {
    Path drift = damaged("monitoring/churn_drift", Damage.MISSING_TABLE);
    Path steps = damaged("_lakemill/steps", Damage.MISSING_DATA_FILE);

    Doctor.Report lostLog = new Doctor(spark).check(drift.toString());
    Doctor.Report lostFiles = new Doctor(spark).check(steps.toString());

    String t = drift.resolve("monitoring/churn_drift").toString();
    assertThat(lostLog.findings()).containsExactly(new Doctor.Finding(Doctor.Level.DAMAGE, "The table at " + t
        + " is damaged: Delta cannot read it (the table is missing: it has data files but no _delta_log folder)."
        + " Nothing was changed. To repair it, restore the folder " + t + " from a backup, or move the folder " + t
        + " aside to start a new, empty table"));
    assertThat(lostLog.damaged()).isTrue();
    String s = steps.resolve("_lakemill/steps").toString();
    assertThat(lostFiles.findings()).singleElement().satisfies(f -> {
      assertThat(f.level()).isEqualTo(Doctor.Level.DAMAGE);
      assertThat(f.text()).startsWith("The run ledger table at " + s + " is damaged: Delta cannot read it (")
          .containsPattern("\\(\\d+ of its \\d+ data files are missing, e\\.g\\. part-").endsWith(".parquet). Nothing was changed. To repair it, restore an"
          + " earlier version whose files exist (RESTORE TABLE delta.`" + s + "` TO VERSION AS OF <n>; DESCRIBE"
          + " HISTORY delta.`" + s + "` lists the versions), or move the folder " + s + " aside to start a new, empty"
          + " table");
    });
  }

  @Test
  @Order(1)
  void doctorWarnsOfStaleLeasesRowsOfUnfinishedRunsAndModelDataOutsideLogRetention() throws IOException {
    Path copy = copy(lake, dir.resolve("warnings"));
    String table = copy.resolve("silver/s").toString();
    Path lease = Files.createDirectories(copy.resolve("_lakemill/leases")).resolve("small.lease");
    Files.writeString(lease, "{\"token\": \"t1\", \"run_id\": \"r9\", \"pipeline\": \"small\", \"host\": \"h1\","
        + " \"pid\": 42, \"started\": \"2026-11-05T02:00:00Z\", \"ttl_ms\": 30000, \"steps\": []}");
    Files.setLastModifiedTime(lease, java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(7200)));
    spark.sql("SELECT 1 AS id, 'ghost' AS _lakemill_run_id UNION ALL SELECT 2, 'r1'").write().format("delta")
        .save(table + "_quarantine");
    spark.sql("ALTER TABLE delta.`" + table + "` SET TBLPROPERTIES ('delta.logRetentionDuration' = 'interval 1"
        + " seconds', 'delta.deletedFileRetentionDuration' = 'interval 1 seconds')");
    ModelRegistry registry = new ModelRegistry(spark, copy.resolve("_lakemill").toString());
    registry.register(trainedOn(ModelsCommandTest.draft("fraud", "r2", 0.9), table));
    registry.recordEvent(new dev.lakemill.registry.AliasEvent("churn", dev.lakemill.registry.AliasAction.ARCHIVE, "",
        1, Instant.parse("2026-11-05T00:00:00Z"), "", "old"));

    Doctor.Report report = new Doctor(spark).check(copy.toString());

    assertThat(report.damaged()).isFalse();
    assertThat(report.findings()).extracting(Doctor.Finding::level).containsOnly(Doctor.Level.WARNING);
    assertThat(report.findings()).extracting(Doctor.Finding::text).satisfiesExactlyInAnyOrder(
        text -> assertThat(text).startsWith("Pipeline small: stale lease file:" + lease + ", held by run r9 (pid 42 on host h1), last heartbeat ")
            .endsWith(" ago (ttl 30 s): that run stopped without releasing it. To fix it, run pipeline small again:"
                + " the next run takes the lease over and records run r9 as abandoned; if the pipeline no longer runs,"
                + " delete the file"),
        text -> assertThat(text).isEqualTo("Table " + table + "_quarantine holds rows of run(s) ghost, which the"
            + " ledger does not record as finished (a run stopped before recording itself). To fix it, rerun with"
            + " --run-id (a rerun under the same id replaces them), or delete them: DELETE FROM delta.`" + table
            + "_quarantine` WHERE _lakemill_run_id IN ('ghost')"),
        // churn's versions were trained on the seeded lakehouse's silver.s, which keeps its log 30 days.
        text -> assertThat(text).startsWith("Model fraud@v1 was trained on s (" + table + "@v0), committed ")
            .endsWith(" ago, older than the table's log retention (1 s): Delta may clean that version up at its next"
                + " checkpoint. To fix it, keep the log longer (ALTER TABLE delta.`" + table + "` SET TBLPROPERTIES"
                + " ('delta.logRetentionDuration' = 'interval 365 days', 'delta.deletedFileRetentionDuration' ="
                + " 'interval 365 days')), or retrain it"));
  }

  @Test
  void doctorOnTheCommandLine() throws IOException {
    Path garbled = damaged("_lakemill/models", Damage.GARBLED_COMMIT);

    Outcome healthy = lakemill(on(lake, "doctor"));
    Outcome damaged = lakemill(on(garbled, "doctor"));

    assertThat(healthy.exit()).as(healthy.err()).isZero();
    assertThat(healthy.out()).endsWith("all well: every table is readable, no stale leases, no rows of unfinished"
        + " runs, no model data older than its log retention\n");
    assertThat(damaged.exit()).as(damaged.out() + damaged.err()).isEqualTo(Lakemill.DAMAGED);
    String t = garbled.resolve("_lakemill/models").toString();
    assertThat(damaged.out()).startsWith("lakemill doctor: lakehouse " + garbled + ", 5 table(s) checked\n"
        + "damaged: The model registry table at " + t + " is damaged: Delta cannot read it (")
        .endsWith("1 damaged, 0 warning(s)\n");
    assertThat(damaged.err()).isEqualTo("lakemill doctor found 1 damaged table(s) in the lakehouse at " + garbled
        + ": repair each as its finding above says, then run lakemill doctor again\n");
  }

  /** A copy of the seeded lakehouse with {@code table} (relative to it) damaged, made once per case. */
  static synchronized Path damaged(String table, Damage damage) {
    return COPIES.computeIfAbsent(table + "/" + damage, key -> {
      try {
        Path copy = copy(lake, dir.resolve("case-" + COPIES.size()));
        Path t = copy.resolve(table);
        switch (damage) {
          // A torn write: the newest commit is not JSON.
          case GARBLED_COMMIT -> Files.writeString(newestCommit(t), "{\"commitInfo\": {\"timestamp\": 17");
          case MISSING_DATA_FILE -> {
            for (Path parquet : list(t).filter(p -> p.toString().endsWith(".parquet")).toList()) {
              Files.delete(parquet);
            }
          }
          case MISSING_TABLE -> delete(t.resolve("_delta_log"));
        }
        return copy;
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  /** What every command prints for {@code damage} to the table at {@code table} (its role: {@code what}). */
  static void assertDamaged(Outcome r, String what, Path table, Damage damage) throws IOException {
    String t = table.toString();
    String aside = "move the folder " + t + " aside to start a new, empty table";
    String fix = switch (damage) {
      case GARBLED_COMMIT -> {
        long v = Long.parseLong(newestCommit(table).getFileName().toString().substring(0, 20));
        yield "if its newest commit is a torn write, move " + newestCommit(table) + " aside (the table is then at v"
            + (v - 1) + "), or " + aside;
      }
      case MISSING_DATA_FILE -> "restore an earlier version whose files exist (RESTORE TABLE delta.`" + t + "` TO"
          + " VERSION AS OF <n>; DESCRIBE HISTORY delta.`" + t + "` lists the versions), or " + aside;
      case MISSING_TABLE -> "restore the folder " + t + " from a backup, or " + aside;
    };
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(Lakemill.DAMAGED).isEqualTo(3);
    assertThat(r.err()).as(r.err()).startsWith("The " + what + " at " + t + " is damaged: Delta cannot read it (")
        .endsWith("). Nothing was changed. To repair it, " + fix + "; then lakemill doctor checks the whole"
            + " lakehouse\n")
        .doesNotContain("\tat ");
    assertThat(r.err().lines()).hasSize(1);
    if (damage == Damage.MISSING_TABLE) {
      assertThat(r.err()).contains("Delta cannot read it (the table is missing: it has data files but no _delta_log"
          + " folder). ");
    } else if (damage == Damage.GARBLED_COMMIT) {
      assertThat(r.err()).contains(newestCommit(table).getFileName().toString());
    }
  }

  private static String[] on(Path lakehouse, String... args) {
    return Stream.concat(Stream.of(args), Stream.of("--conf", CONF, "--lakehouse", lakehouse.toString()))
        .toArray(String[]::new);
  }

  /** ExitCodesTest has history, plan and run on a garbled ledger commit, and history on a missing data file. */
  @ParameterizedTest
  @EnumSource(value = Damage.class, names = {"MISSING_DATA_FILE", "MISSING_TABLE"})
  void aDamagedLedgerFailsHistoryPlanAndRunBeforeTheirFirstStep(Damage damage) throws IOException {
    Path copy = damaged("_lakemill/steps", damage);
    Path steps = copy.resolve("_lakemill/steps");

    List<Outcome> outcomes = new java.util.ArrayList<>();
    if (damage == Damage.MISSING_TABLE) {
      outcomes.add(lakemill(on(copy, "history")));
      outcomes.add(lakemill(on(copy, "plan", file.toString())));
    }
    Outcome run = lakemill(on(copy, "run", file.toString(), "--run-id", "r3"));
    outcomes.add(run);

    for (Outcome r : outcomes) {
      assertDamaged(r, "run ledger table", steps, damage);
    }
    // The run stopped before its first step, blames none, and wrote nothing.
    assertThat(run.out()).doesNotContain("[1/1]").doesNotContain("Step 's'");
    assertThat(copy.resolve("silver/s/_delta_log/00000000000000000001.json")).doesNotExist();
  }

  @Test
  void aLedgerWhoseRunsTableIsGoneIsDamagedNotNew() throws IOException {
    Path copy = copy(lake, dir.resolve("runs-gone"));
    delete(copy.resolve("_lakemill/runs"));
    Path runs = copy.resolve("_lakemill/runs");

    Outcome history = lakemill(on(copy, "history"));

    assertThat(history.exit()).isEqualTo(Lakemill.DAMAGED);
    assertThat(history.err()).isEqualTo("The run ledger table at " + runs + " is damaged: Delta cannot read it (the"
        + " table is missing, but the ledger's steps table " + copy.resolve("_lakemill/steps") + " exists). Nothing"
        + " was changed. To repair it, restore the folder " + runs + " from a backup, or move the folder " + runs
        + " aside to start a new, empty table; then lakemill doctor checks the whole lakehouse\n");
  }

  @ParameterizedTest
  @EnumSource(Damage.class)
  void aDamagedRegistryFailsModels(Damage damage) throws IOException {
    Path copy = damaged("_lakemill/models", damage);

    Outcome list = lakemill(on(copy, "models", "list"));

    assertDamaged(list, "model registry table", copy.resolve("_lakemill/models"), damage);
  }

  @ParameterizedTest
  @EnumSource(Damage.class)
  void aDamagedDriftHistoryFailsDriftHistory(Damage damage) throws IOException {
    Path copy = damaged("monitoring/churn_drift", damage);
    int sessions = SparkSessions.requests();

    Outcome history = lakemill(on(copy, "drift", "history", NIGHTLY));

    assertDamaged(history, "drift history table", copy.resolve("monitoring/churn_drift"), damage);
    assertThat(SparkSessions.requests()).as("drift history reads through Delta Kernel").isEqualTo(sessions);
  }

  @Test
  void aNewLakehouseIsNotDamaged() {
    Path empty = dir.resolve("new-lakehouse");
    int sessions = SparkSessions.requests();

    Outcome history = lakemill(on(empty, "history"));
    Outcome models = lakemill(on(empty, "models", "list"));

    assertThat(SparkSessions.requests()).as("history and models list read through Delta Kernel").isEqualTo(sessions);
    assertThat(history.exit()).as(history.err()).isZero();
    assertThat(history.out()).isEqualTo("No runs recorded under " + empty + " yet.\n");
    assertThat(models.exit()).as(models.err()).isZero();
  }

  static Path newestCommit(Path table) throws IOException {
    return list(table.resolve("_delta_log")).filter(p -> p.getFileName().toString().matches("\\d{20}\\.json"))
        .max(Comparator.naturalOrder()).orElseThrow();
  }

  private static Stream<Path> list(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.toList().stream();
    }
  }

  private static void delete(Path folder) throws IOException {
    try (Stream<Path> all = Files.walk(folder)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return to;
  }
}
