package dev.lakemill.jobs;

import static dev.lakemill.jobs.CliTest.lakemill;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakemill.PipelineFixture;
import dev.lakemill.drift.ColumnDrift;
import dev.lakemill.drift.ColumnKind;
import dev.lakemill.drift.DatasetDrift;
import dev.lakemill.drift.DriftMethod;
import dev.lakemill.drift.Histogram;
import dev.lakemill.drift.spark.DriftHistory;
import dev.lakemill.ledger.RunLedger;
import dev.lakemill.ledger.RunRecord;
import dev.lakemill.ledger.RunStatus;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lakemill drift history} on a drift table and a ledger seeded once (then the seeding session is
 * stopped: every command starts and stops its own): what it prints, by file and by pipeline name, and
 * its user errors.
 */
class DriftCommandTest {
  static final String NIGHTLY = "../pipeline-defs/churn-nightly.conf";

  @TempDir static Path lake;

  private static ColumnDrift column(String name, DriftMethod method, double value, double p, boolean drifted) {
    Histogram h = new Histogram(List.of("a"), new double[0], new long[] {10}, new long[] {10});
    return new ColumnDrift(name, ColumnKind.NUMERIC, method, value, p, method.defaultThreshold(), drifted, 0.0, 1000, 800,
        0, 0, h);
  }

  @BeforeAll
  static void seed() {
    SparkSession spark = PipelineFixture.localSpark("seed");
    try {
      List<Row> rows = new ArrayList<>();
      String[] actions = {"", "waiting: 1 of 2 drifted runs in a row",
          "would trigger pipeline churn (Airflow client not configured)"};
      for (int day = 0; day < 3; day++) {
        boolean shifted = day > 0;
        DatasetDrift drift = new DatasetDrift(List.of(
            column("age", DriftMethod.WASSERSTEIN, shifted ? 0.31 + day / 100.0 : 0.02, Double.NaN, shifted),
            column("plan", DriftMethod.JENSENSHANNON, 0.04, Double.NaN, false),
            column("support_calls", DriftMethod.KS, 0.2, shifted ? 1e-6 : 0.4, shifted)), 0.5);
        DriftHistory.Run run = new DriftHistory.Run("r" + day, LocalDate.parse("2026-11-01").plusDays(day),
            "churn-nightly", "drift", "churn", 3, "silver.customers", 7, "gold.churn_scores_daily", day);
        rows.addAll(DriftHistory.rows(run, drift, actions[day], Instant.parse("2026-11-01T02:00:00Z")));
      }
      spark.createDataFrame(rows, DriftHistory.SCHEMA).write().format("delta")
          .save(lake.resolve("monitoring/churn_drift").toString());
      DriftHistory.Run raw = new DriftHistory.Run("raw-1", LocalDate.parse("2026-11-05"), "raw-feed", "drift", null, null,
          "raw.orders_baseline", 3, "today", -1);
      DatasetDrift rawDrift = new DatasetDrift(List.of(column("amount", DriftMethod.KS, 0.1, 0.3, false)), 0.5);
      spark.createDataFrame(DriftHistory.rows(raw, rawDrift, "", Instant.parse("2026-11-05T03:00:00Z")),
          DriftHistory.SCHEMA).write().format("delta").save(lake.resolve("monitoring/orders_drift").toString());
      new RunLedger(spark, lake.resolve("_lakemill").toString()).record(new RunRecord("r2", "churn-nightly", NIGHTLY,
          Map.of(), List.of("drift"), Instant.parse("2026-11-03T02:00:00Z"), Instant.parse("2026-11-03T02:10:00Z"),
          RunStatus.SUCCEEDED, "test", ""), List.of());
    } finally {
      spark.stop();
    }
  }

  private static CliTest.Outcome history(String... args) {
    List<String> all = new ArrayList<>(List.of("drift", "history"));
    all.addAll(List.of(args));
    all.addAll(List.of("--conf", CliTest.CONF, "--lakehouse", lake.toString()));
    return lakemill(all.toArray(String[]::new));
  }

  @Test
  void printsTheTrendOfEveryColumnByFileOrPipelineName() {
    CliTest.Outcome byFile = history(NIGHTLY);
    CliTest.Outcome byName = history("churn-nightly");

    assertThat(byFile.exit()).as(byFile.err()).isZero();
    assertThat(byFile.out()).isEqualTo("""
        churn-nightly: step drift, history monitoring.churn_drift
        run date    model         dataset   drifted share  action
        2026-11-01  churn@v3      ok        0.00 (>= 0.50)
        2026-11-02  churn@v3      DRIFT     0.67 (>= 0.50)  waiting: 1 of 2 drifted runs in a row
        2026-11-03  churn@v3      DRIFT     0.67 (>= 0.50)  would trigger pipeline churn (Airflow client not configured)

        column                    method          2026-11-01   2026-11-02   2026-11-03
        age                       wasserstein         0.0200      *0.3200      *0.3300
        plan                      jensenshannon       0.0400       0.0400       0.0400
        support_calls             ks                  p=0.40   *p=1.0e-06   *p=1.0e-06
        * drifted; tests (ks, chisquare, z) show p=<p-value>, distances their value
        """);
    assertThat(byName.exit()).as(byName.err()).isZero();
    assertThat(byName.out()).isEqualTo(byFile.out());
  }

  @Test
  void showsADriftStepWithoutAModel() throws Exception {
    Path file = lake.resolve("raw-feed.conf");
    java.nio.file.Files.writeString(file, """
        pipeline { name = raw-feed }
        sources { orders { format = delta, table = raw.orders } }
        steps {
          today { type = sql, sql = "SELECT * FROM orders" }
          drift { type = drift, current = today, reference = "raw.orders_baseline@v3", output = monitoring.orders_drift }
        }
        """);

    CliTest.Outcome r = history(file.toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("""
        raw-feed: step drift, history monitoring.orders_drift
        run date    model         dataset   drifted share  action
        2026-11-05  -             ok        0.00 (>= 0.50)
        """).contains("amount                    ks                  p=0.30");
  }

  @Test
  void printsOneColumnDateByDate() {
    CliTest.Outcome r = history(NIGHTLY, "--column", "support_calls", "--last", "2");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).endsWith("""
        2026-11-03  churn@v3      DRIFT     0.67 (>= 0.50)  would trigger pipeline churn (Airflow client not configured)

        run date    column                    method         value       p-value    threshold
        2026-11-02  support_calls             ks             0.2000      1.00e-06   0.05  DRIFT
        2026-11-03  support_calls             ks             0.2000      1.00e-06   0.05  DRIFT
        """).doesNotContain("2026-11-01");
  }

  @Test
  void printsJsonOfTheDocumentedShape() {
    CliTest.Outcome r = history(NIGHTLY, "--last", "2", "--format", "json");

    assertThat(r.exit()).as(r.err()).isZero();
    var json = OutputDocs.assertShapedLike("drift history", r.out());
    assertThat(json.get("pipeline").asText()).isEqualTo("churn-nightly");
    var step = json.get("steps").get(0);
    assertThat(step.get("history_table").asText()).isEqualTo("monitoring.churn_drift");
    assertThat(step.get("runs").toString()).isEqualTo("[{\"run_date\":\"2026-11-02\",\"model\":\"churn@v3\","
        + "\"drifted\":true,\"drifted_share\":0.6666666666666666,\"threshold\":0.5,"
        + "\"action\":\"waiting: 1 of 2 drifted runs in a row\"},{\"run_date\":\"2026-11-03\",\"model\":\"churn@v3\","
        + "\"drifted\":true,\"drifted_share\":0.6666666666666666,\"threshold\":0.5,"
        + "\"action\":\"would trigger pipeline churn (Airflow client not configured)\"}]");
    assertThat(step.get("columns")).extracting(c -> c.get("column").asText()).containsExactly("age", "plan",
        "support_calls");
    assertThat(step.get("columns").get(2).get("values").get(0).toString()).isEqualTo("{\"run_date\":\"2026-11-02\","
        + "\"method\":\"ks\",\"value\":0.2,\"p_value\":1.0E-6,\"threshold\":0.05,\"drifted\":true}");
  }

  @Test
  void rejectsWhatCannotWork() {
    CliTest.Outcome unknown = history("churn-weekly");
    CliTest.Outcome noDrift = history(CliTest.CHURN_PREP);
    CliTest.Outcome none = history(NIGHTLY, "--last", "0");

    assertThat(unknown.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(unknown.err()).isEqualTo("Cannot find pipeline 'churn-weekly': it is not a file, and the ledger at "
        + lake + " has no run of a pipeline with that name; pass the pipeline file, e.g. lakemill drift history"
        + " pipeline-defs/churn-nightly.conf\n");
    assertThat(noDrift.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(noDrift.err()).isEqualTo("Pipeline churn-prep (" + CliTest.CHURN_PREP + ") has no drift step, so no"
        + " drift history; add a step with type = drift\n");
    assertThat(none.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(none.err()).isEqualTo("Cannot use --last 0: give the number of run dates to show, e.g. --last 14\n");
  }
}
