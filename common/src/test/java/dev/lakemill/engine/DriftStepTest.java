package dev.lakemill.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.groups.Tuple.tuple;

import dev.lakemill.PipelineFixture.Run;
import dev.lakemill.SparkTestBase;
import dev.lakemill.check.Checks;
import dev.lakemill.compile.StepSelection;
import dev.lakemill.delta.InputVersion;
import dev.lakemill.drift.DriftTrigger;
import dev.lakemill.drift.HistoryEntry;
import dev.lakemill.drift.spark.DriftHistory;
import dev.lakemill.ledger.StepRecord;
import dev.lakemill.ledger.StepStatus;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.registry.AliasAction;
import dev.lakemill.registry.AliasEvent;
import dev.lakemill.registry.ModelRegistry;
import dev.lakemill.registry.ModelVersion;
import dev.lakemill.spec.ModelRef;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

/**
 * A nightly drift job end to end on generated churn data: a tiny model is trained and promoted, then
 * nights with and without a shifted distribution are scored and compared with the model's own
 * training rows. Verdicts are asserted only where the data leaves no doubt (identical distribution vs
 * a strong shift), never engine-specific numbers.
 */
class DriftStepTest extends SparkTestBase {
  private static final String TRAIN = """
      pipeline { name = churn-train }
      sources { customers { format = generate, generator = churn-customers, rows = 2000, seed = 7 } }
      steps {
        prepare {
          type = sql
          sql = "SELECT customer_id, age, tenure_months, support_calls, region, plan, churned FROM customers WHERE age >= 18"
          output = silver.customers
        }
        features {
          type = features
          input = prepare
          stages = [
            { type = Imputer, params { inputCols = [tenure_months], outputCols = [tenure_filled], strategy = median } }
            { type = StringIndexer, params { inputCols = [plan, region], outputCols = [plan_idx, region_idx], handleInvalid = keep } }
            { type = OneHotEncoder, params { inputCols = [plan_idx, region_idx], outputCols = [plan_vec, region_vec] } }
            { type = VectorAssembler, params { inputCols = [age, tenure_filled, support_calls, plan_vec, region_vec], outputCol = features } }
          ]
        }
        train {
          type = train
          input = features
          label = churned
          split { test-fraction = 0.25, seed = 42 }
          estimator { type = LogisticRegression, params { maxIter = 10 } }
          register-as = churn
        }
      }
      """;

  private static final String NIGHTLY = """
      pipeline { name = churn-nightly }
      params { rows = 1500, seed = 99, shift = 0.0, run-date = "2026-11-01" }
      sources { customers { format = generate, generator = churn-customers, rows = ${params.rows}, seed = ${params.seed}, drift = ${params.shift} } }
      steps {
        prepare {
          type = sql
          sql = "SELECT customer_id, age, tenure_months, support_calls, region, plan, DATE '${params.run-date}' AS snapshot_date FROM customers WHERE age >= 18"
        }
        score { type = score, model = "churn@champion", input = prepare, output { table = gold.churn_scores_daily, mode = replace-partitions, partition-by = [snapshot_date] } }
        drift {
          type = drift
          model = "churn@champion"
          current = score
          output = monitoring.churn_drift
          report = "REPORTS/churn-drift-${params.run-date}.html"
          on-drift {
            consecutive-runs = 2, trigger-pipeline = churn, fail-run = FAIL
            params { train-to = "${params.run-date}", window = 30 }
          }
        }
      }
      """;

  private static final List<String> COLUMNS =
      List.of("tenure_months", "plan", "region", "age", "support_calls", "prediction_probability");

  /** The conf of every trigger the drift step asked for, by pipeline. */
  private final List<Map<String, Map<String, Object>>> triggered = new ArrayList<>();

  /** Runs the nightly pipeline, adding its info lines to {@code infos}. */
  private Run night(String date, String shift, boolean failRun, String runId, List<String> infos) {
    String text = NIGHTLY.replace("REPORTS", lakehouse.resolve("reports").toString()).replace("FAIL", String.valueOf(failRun));
    DriftTrigger recording = (pipeline, conf) -> {
      triggered.add(Map.of(pipeline, conf));
      return DriftTrigger.NOT_CONFIGURED.trigger(pipeline, conf);
    };
    Run night = lake.run(new PipelineRunner(spark, recording), lake.plan("nightly", text,
        Map.of("run-date", date, "shift", shift)), runId, RunOptions.DEFAULT, RunListener.NONE);
    infos.addAll(night.infos());
    return night;
  }

  private Dataset<Row> history() {
    return lake.table("monitoring.churn_drift");
  }

  private Row dataset(String date) {
    return history().where("level = 'dataset' AND run_date = DATE '" + date + "'").head();
  }

  @Test
  void churnNightlyScoresAndMonitorsOnlyEachNightsCustomers() throws Exception {
    // The shipped pipeline, as it is: prepare lands each night in a replace-partitions table, score and
    // drift read only that night's rows (the rows prepare and score wrote in the run).
    assertThat(lake.run(lake.plan("train", TRAIN, Map.of()), "train-1").succeeded()).isTrue();
    new ModelRegistry(spark, lakehouse.resolve("_lakemill").toString())
        .recordEvent(new AliasEvent("churn", AliasAction.PROMOTE, "champion", 1, Instant.now(), "train-1", "test"));
    Files.createDirectories(lakehouse.resolve("data"));
    Files.copy(Path.of("../pipeline-defs/data/plans.csv"), lakehouse.resolve("data/plans.csv"));
    String text = Files.readString(Path.of("../pipeline-defs/churn-nightly.conf"))
        .replace("report = \"reports/", "report = \"" + lakehouse.resolve("reports") + "/");

    List<String> dates = List.of("2026-11-01", "2026-11-02", "2026-11-03");
    List<Long> nightRows = new ArrayList<>();
    for (int night = 0; night < 3; night++) {
      Run run = lake.run(lake.plan("churn-nightly", text, Map.of("rows", String.valueOf(300 + 100 * night),
          "run-date", dates.get(night))), "night-" + (night + 1));
      assertThat(run.succeeded()).as(run.run().error()).isTrue();
      StepRecord prepare = run.steps().get(0);
      StepRecord score = run.steps().get(1);
      StepRecord drift = run.steps().get(2);
      long rows = prepare.rowsOut();
      nightRows.add(rows);
      assertThat(rows).isBetween(280L + 100 * night, 300L + 100 * night);
      assertThat(score.rowsIn()).as("night %d: score reads that night's rows only", night + 1).isEqualTo(rows);
      assertThat(score.rowsOut()).isEqualTo(rows);
      String expected = "rows written by run night-" + (night + 1) + " at v" + night;
      assertThat(score.inputs()).filteredOn(i -> i.name().equals("prepare")).singleElement()
          .satisfies(i -> assertThat(i.describe()).isEqualTo(expected));
      assertThat(drift.rowsIn()).as("night %d: the drift step's current rows", night + 1).isEqualTo(rows);
      assertThat(dataset(dates.get(night)).<Long>getAs("current_rows")).isEqualTo(rows);
    }
    assertThat(sql("SELECT CAST(snapshot_date AS STRING), count(*), count(DISTINCT customer_id) FROM delta.`%s`"
        + " GROUP BY 1 ORDER BY 1", lake.location("gold.churn_scores_daily")))
        .extracting(r -> r.getString(0) + " " + r.getLong(1) + " " + r.getLong(2)).containsExactly(
            "2026-11-01 " + nightRows.get(0) + " " + nightRows.get(0), "2026-11-02 " + nightRows.get(1) + " " + nightRows.get(1),
            "2026-11-03 " + nightRows.get(2) + " " + nightRows.get(2));
    // Each night wrote only its own partition: night 1's scores are still the files night 1 wrote.
    assertThat(sql("SELECT count(DISTINCT _metadata.file_name) FROM delta.`%s` WHERE snapshot_date = DATE '2026-11-01'",
        lake.location("gold.churn_scores_daily")).get(0).getLong(0))
        .isEqualTo(sql("SELECT count(DISTINCT _metadata.file_name) FROM delta.`%s` VERSION AS OF 0",
            lake.location("gold.churn_scores_daily")).get(0).getLong(0));
  }

  @Test
  void comparesNightsWithTheTrainingRowsKeepsOneHistoryPerDateAndActsOnConsecutiveDrift() throws Exception {
    assertThat(lake.run(lake.plan("train", TRAIN, Map.of()), "train-1").succeeded()).isTrue();
    ModelRegistry registry = new ModelRegistry(spark, lakehouse.resolve("_lakemill").toString());
    registry.recordEvent(new AliasEvent("churn", AliasAction.PROMOTE, "champion", 1, Instant.now(), "train-1", "test"));
    ModelVersion model = registry.resolve(ModelRef.parse("churn@champion").orElseThrow());
    long trainingRows = count(model.dataVersion().location())
        - spark.read().format("delta").option("versionAsOf", model.holdoutVersion()).load(model.holdoutLocation()).count();

    List<String> infos = new ArrayList<>();
    Run same = night("2026-11-01", "0", false, "night-1", infos);

    assertThat(same.succeeded()).as(same.run().error()).isTrue();
    Row verdict = dataset("2026-11-01");
    assertThat(verdict.<Boolean>getAs("drifted")).isFalse();
    assertThat(verdict.<String>getAs("action")).isEmpty();
    assertThat(verdict.<String>getAs("column")).isEqualTo("*");
    assertThat(verdict.<Double>getAs("value")).isLessThan(0.5);
    assertThat(verdict.<Double>getAs("threshold")).isEqualTo(0.5);
    List<Row> columns = history().where("level = 'column'").collectAsList();
    assertThat(columns).extracting(r -> r.<String>getAs("column")).containsExactlyInAnyOrderElementsOf(COLUMNS);
    assertThat(columns).allSatisfy(r -> {
      assertThat(r.<String>getAs("run_id")).isEqualTo("night-1");
      assertThat(r.<String>getAs("pipeline")).isEqualTo("churn-nightly");
      assertThat(r.<String>getAs("model_name")).isEqualTo("churn");
      assertThat(r.<Integer>getAs("model_version")).isEqualTo(1);
      assertThat(r.<String>getAs("reference_table")).isEqualTo("silver.customers");
      assertThat(r.<Long>getAs("reference_version")).isZero();
      assertThat(r.<String>getAs("current_table")).isEqualTo("gold.churn_scores_daily");
      assertThat(r.<Long>getAs("current_version")).isZero();
      assertThat(r.<Long>getAs("reference_rows")).as("the exact training rows").isEqualTo(trainingRows);
      assertThat(r.<Long>getAs("current_rows")).isEqualTo(count("gold.churn_scores_daily"));
    });
    assertThat(columns).filteredOn(r -> r.getAs("column").equals("tenure_months")).singleElement()
        .satisfies(r -> assertThat(r.<Double>getAs("current_null_rate")).isBetween(0.005, 0.05));
    assertThat(history().columns()).containsExactly("run_id", "run_date", "pipeline", "step", "model_name",
        "model_version", "reference_table", "reference_version", "current_table", "current_version", "level", "column",
        "column_type", "method", "value", "p_value", "threshold", "drifted", "error_bound", "reference_null_rate",
        "current_null_rate", "reference_rows", "current_rows", "action", "computed_at");
    StepRecord driftStep = same.steps().stream().filter(s -> s.step().equals("drift")).findFirst().orElseThrow();
    assertThat(driftStep.outputTable()).isEqualTo("monitoring.churn_drift");
    assertThat(driftStep.outputVersion()).isZero();
    assertThat(driftStep.rowsOut()).isEqualTo(7);
    assertThat(driftStep.inputs()).extracting(InputVersion::name).contains("score", "model churn@v1");

    Run firstShift = night("2026-11-02", "1.0", false, "night-2", infos);
    Run secondShift = night("2026-11-03", "1.0", false, "night-3", infos);

    assertThat(firstShift.succeeded()).as(firstShift.run().error()).isTrue();
    assertThat(dataset("2026-11-02").<Boolean>getAs("drifted")).isTrue();
    assertThat(dataset("2026-11-02").<String>getAs("action")).isEqualTo("waiting: 1 of 2 drifted runs in a row");
    assertThat(secondShift.succeeded()).as(secondShift.run().error()).isTrue();
    assertThat(dataset("2026-11-03").<String>getAs("action"))
        .isEqualTo("would trigger pipeline churn (Airflow client not configured)");
    assertThat(infos.stream().filter(i -> i.contains("would trigger pipeline churn"))).hasSize(1);
    assertThat(triggered).singleElement().satisfies(t -> {
      assertThat(t.get("churn")).containsKeys("drifted_columns", "drifted_share").contains(
          entry("dedupe_key", "drift__churn-nightly__drift__2026-11-03"), entry("source_pipeline", "churn-nightly"),
          entry("run_id", "night-3"), entry("run_date", "2026-11-03"), entry("model", "churn@v1"),
          entry("train-to", "2026-11-03"), entry("window", 30L));
      assertThat(t.get("churn")).as("the declared params, typed as the DAG's Params are").hasSize(9);
    });
    assertThat(infos).anyMatch(i -> i.startsWith("drift of churn@v1: no dataset drift, 0 of 6 columns"))
        .anyMatch(i -> i.startsWith("drift of churn@v1: DATASET DRIFT"));
    assertThat(dataset("2026-11-03").<Long>getAs("current_rows")).as("only the rows the score step wrote that night")
        .isEqualTo(lake.table("gold.churn_scores_daily").where("snapshot_date = DATE '2026-11-03'").count());

    Path report = lakehouse.resolve("reports/churn-drift-2026-11-03.html");
    String html = Files.readString(report);
    Document page = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new InputSource(new StringReader(html)));
    assertThat(page.getDocumentElement().getTagName()).isEqualTo("html");
    assertThat(occurrences(html, "<svg class=\"hist\"")).isEqualTo(COLUMNS.size());
    assertThat(occurrences(html, "<svg class=\"trend\"")).as("three run dates of history").isEqualTo(COLUMNS.size());
    assertThat(html).contains("DRIFT DETECTED", "churn@v1", "silver.customers@v0 (training rows of churn@v1",
        "gold.churn_scores_daily@v2 (rows step score wrote)", "2026-11-03", "would trigger pipeline churn")
        .doesNotContain("http://", "https://", "<script");
    COLUMNS.forEach(c -> assertThat(html).contains("<h3>" + c + " "));

    // An Airflow retry of the same night, now with fail-run = true: the night's rows are replaced, not doubled.
    Run retry = night("2026-11-03", "1.0", true, "night-3-retry", infos);

    assertThat(retry.succeeded()).isFalse();
    assertThat(retry.run().error()).startsWith("Step 'drift' failed: drift of churn@v1: DATASET DRIFT")
        .contains("on-drift fail-run = true fails the run; the history and the report are kept");
    assertThat(history().groupBy("run_date").count().orderBy("run_date").collectAsList())
        .extracting(r -> r.getDate(0).toString(), r -> r.getLong(1))
        .containsExactly(tuple("2026-11-01", 7L), tuple("2026-11-02", 7L), tuple("2026-11-03", 7L));
    assertThat(history().where("run_date = DATE '2026-11-03'").select("run_id").distinct().collectAsList())
        .extracting(r -> r.getString(0)).containsExactly("night-3-retry");
    assertThat(dataset("2026-11-03").<String>getAs("action"))
        .isEqualTo("would trigger pipeline churn (Airflow client not configured); failed the run (fail-run)");
    assertThat(Files.readString(report)).contains("failed the run (fail-run)");
    assertThat(retry.steps()).filteredOn(s -> s.step().equals("drift")).singleElement()
        .satisfies(s -> assertThat(s.status()).isEqualTo(StepStatus.FAILED))
        .satisfies(s -> assertThat(s.outputVersion()).isEqualTo(3));

    List<HistoryEntry> trend = DriftHistory.entries(spark, lakehouse.resolve("monitoring/churn_drift").toString(),
        "churn-nightly", null, 2, "age");
    assertThat(trend).extracting(HistoryEntry::runDate, HistoryEntry::column).containsExactly(
        tuple(LocalDate.parse("2026-11-02"), "*"), tuple(LocalDate.parse("2026-11-02"), "age"),
        tuple(LocalDate.parse("2026-11-03"), "*"), tuple(LocalDate.parse("2026-11-03"), "age"));

    // A pinned table as reference, a view as current, declared columns, no run-date param.
    Run adhoc = lake.run(lake.plan("adhoc", ADHOC, Map.of()), "adhoc-1");

    assertThat(adhoc.succeeded()).as(adhoc.run().error()).isTrue();
    List<Row> rows = lake.table("monitoring.adhoc_drift").where("level = 'column'").collectAsList();
    assertThat(rows).extracting(r -> r.<String>getAs("column")).containsExactlyInAnyOrder("age", "plan");
    assertThat(rows).allSatisfy(r -> {
      assertThat(r.<String>getAs("reference_table")).isEqualTo("silver.customers");
      assertThat(r.<Long>getAs("reference_version")).isZero();
      assertThat(r.<Long>getAs("reference_rows")).as("the whole table").isEqualTo(count(model.dataVersion().location()));
      assertThat(r.<String>getAs("current_table")).isEqualTo("today");
      assertThat(r.<Long>getAs("current_version")).isEqualTo(-1);
      assertThat(r.getDate(r.fieldIndex("run_date")).toLocalDate()).isEqualTo(LocalDate.now(java.time.ZoneOffset.UTC));
    });
  }

  private static final String ADHOC = """
      pipeline { name = adhoc }
      sources { customers { format = generate, generator = churn-customers, rows = 500, seed = 5 } }
      steps {
        today { type = sql, sql = "SELECT age, plan FROM customers" }
        drift {
          type = drift
          model = "churn@v1"
          current = today
          reference = "silver.customers@v0"
          columns = [age, plan]
          methods { age = psi }
          output = monitoring.adhoc_drift
        }
      }
      """;

  private static int occurrences(String text, String part) {
    Matcher m = Pattern.compile(Pattern.quote(part)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
