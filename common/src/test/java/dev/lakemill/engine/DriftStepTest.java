package dev.lakemill.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakemill.PipelineFixture.Run;
import dev.lakemill.SparkTestBase;
import dev.lakemill.check.Checks;
import dev.lakemill.compile.StepSelection;
import dev.lakemill.delta.InputVersion;
import dev.lakemill.drift.DriftFixtures;
import dev.lakemill.drift.DriftMethod;
import dev.lakemill.drift.DriftTrigger;
import dev.lakemill.drift.HistoryEntry;
import dev.lakemill.drift.spark.DriftHistory;
import dev.lakemill.drift.spark.FixtureFrames;
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
        "churn-nightly", "drift", null, 2, "age");
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

  /**
   * Two models trained on table "small" of the scipy fixtures, whose predictions are known exactly: a
   * regression of {@code 2 * normal_shift + 1} and a pure tree of {@code counts div 4}. The expected
   * numbers come from resources/drift/make_prediction_fixtures.py.
   */
  private static final String PREDICTIONS = """
      pipeline { name = predictions }
      sources {
        reference { format = csv, path = "DIR/reference.csv", options { header = "true" }, schema = "x DOUBLE, n INT" }
        current { format = csv, path = "DIR/current.csv", options { header = "true" }, schema = "x DOUBLE, n INT" }
      }
      steps {
        training { type = sql, sql = "SELECT x, n, 2 * x + 1 AS y, CAST(n DIV 4 AS DOUBLE) AS band FROM reference" }
        amount-features { type = features, input = training, stages = [{ type = VectorAssembler, params { inputCols = [x], outputCol = features } }] }
        amount {
          type = train, input = amount-features, label = y, split { test-fraction = 0.25, seed = 42 }
          estimator { type = LinearRegression, params { solver = normal } }
        }
        band-features { type = features, input = training, stages = [{ type = VectorAssembler, params { inputCols = [n], outputCol = features } }] }
        band {
          type = train, input = band-features, label = band, split { test-fraction = 0.25, seed = 42 }
          estimator { type = DecisionTreeClassifier }
        }
        amount-scores { type = score, model = "amount@v1", input = current, output = gold.amount_scores }
        band-scores { type = score, model = "band@v1", input = current, output = gold.band_scores }
        amount-drift { type = drift, model = "amount@v1", current = amount-scores, reference = reference, output = monitoring.amount_drift }
        band-drift { type = drift, model = "band@v1", current = band-scores, reference = reference, output = monitoring.band_drift }
      }
      """;

  @Test
  void watchesTheRegressionPredictionAndTheMultiClassPredictedClass() throws Exception {
    JsonNode small = DriftFixtures.root().path("tables").path("small");
    Path dir = Files.createDirectories(lakehouse.resolve("in"));
    for (String side : List.of("reference", "current")) {
      StringBuilder csv = new StringBuilder("x,n\n");
      JsonNode x = column(small, "normal_shift").path(side);
      JsonNode n = column(small, "counts").path(side);
      for (int i = 0; i < x.size(); i++) {
        csv.append(x.get(i).asDouble()).append(',').append(n.get(i).asInt()).append('\n');
      }
      Files.writeString(dir.resolve(side + ".csv"), csv);
    }

    Run run = lake.run(lake.plan("predictions", PREDICTIONS.replace("DIR", dir.toString()), Map.of()), "pred-1");

    assertThat(run.succeeded()).as(run.run().error()).isTrue();
    assertThat(lake.count("gold.amount_scores")).isEqualTo(150);
    assertThat(lake.table("gold.amount_scores").where("abs(prediction - (2 * x + 1)) > 1e-9").count())
        .as("the regression predicts 2x + 1").isZero();
    assertThat(lake.table("gold.band_scores").where("prediction <> n DIV 4").count())
        .as("the tree predicts n div 4").isZero();
    Map<String, Row> amount = columnRows("monitoring.amount_drift");
    assertThat(amount).containsOnlyKeys("x", "prediction");
    expect(amount.get("prediction"), "numeric", "ks", 0.20833333333333334, 0.0010041693986330609, true);
    expect(amount.get("x"), "numeric", "ks", 0.20833333333333334, 0.0010041693986330609, true);
    Map<String, Row> band = columnRows("monitoring.band_drift");
    assertThat(band).containsOnlyKeys("n", "predicted_class");
    expect(band.get("predicted_class"), "categorical", "chisquare", 3.529020979020979, 0.17127060472587124, false);
    expect(band.get("n"), "numeric", "ks", 0.11, 0.23559555858896164, false);
    assertThat(run.infos()).anyMatch(i -> i.startsWith("drift of amount@v1: DATASET DRIFT, 2 of 2 columns drifted"))
        .anyMatch(i -> i.startsWith("drift of band@v1: no dataset drift, 0 of 2 columns drifted"));
  }

  private static JsonNode column(JsonNode table, String name) {
    for (JsonNode c : table.path("columns")) {
      if (c.path("name").asText().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException(name);
  }

  /** The column rows of a history table, by column. */
  private Map<String, Row> columnRows(String table) {
    Map<String, Row> out = new java.util.TreeMap<>();
    lake.table(table).where("level = 'column'").collectAsList().forEach(r -> out.put(r.getAs("column"), r));
    return out;
  }

  /** A history row against scipy's numbers: value to 1e-12 and p-value to 1e-9, relative. */
  private static void expect(Row row, String type, String method, double value, double pValue, boolean drifted) {
    String what = row.<String>getAs("column");
    assertThat(row.<String>getAs("column_type")).as(what).isEqualTo(type);
    assertThat(row.<String>getAs("method")).as(what).isEqualTo(method);
    assertThat(row.<Double>getAs("value")).as(what).isCloseTo(value, org.assertj.core.data.Offset.offset(1e-12 * value));
    assertThat(row.<Double>getAs("p_value")).as(what).isCloseTo(pValue, org.assertj.core.data.Offset.offset(1e-9 * pValue));
    assertThat(row.<Boolean>getAs("drifted")).as(what).isEqualTo(drifted);
    assertThat(row.<Long>getAs("reference_rows")).as(what).isEqualTo(200);
    assertThat(row.<Long>getAs("current_rows")).as(what).isEqualTo(150);
  }

  /**
   * Data drift without a model on the scipy fixtures' two tables, stored as Delta tables with an id and a
   * date column added: the current rows of "small" through a delta source, those of "large" through a
   * SQL step, each reference a pinned table.
   */
  private static final String WITHOUT_MODEL = """
      pipeline { name = raw-feed }
      params { run-date = "2026-11-05" }
      sources {
        small-today { format = delta, table = fx.small_current }
        large-today { format = delta, table = fx.large_current }
      }
      steps {
        large-rows { type = sql, sql = "SELECT * FROM `large-today`" }
        small-drift { type = drift, current = small-today, reference = "fx.small_reference@v0", output = monitoring.small_drift }
        large-drift { type = drift, current = large-rows, reference = "fx.large_reference@v0", output = monitoring.large_drift }
      }
      """;

  @Test
  void withoutAModelComparesTheSharedColumnsWithTheEngineNumbersOfTheScipyFixtures() {
    for (String table : List.of("small", "large")) {
      for (String side : List.of("reference", "current")) {
        Dataset<Row> rows = FixtureFrames.data(spark, table, side)
            .withColumn("row_id", org.apache.spark.sql.functions.monotonically_increasing_id())
            .withColumn("snapshot_date", org.apache.spark.sql.functions.lit(java.sql.Date.valueOf("2026-11-05")));
        if (side.equals("current")) {
          rows = rows.withColumn("only_today", org.apache.spark.sql.functions.lit("x"));
        }
        rows.write().format("delta").save(lakehouse.resolve("fx/" + table + "_" + side).toString());
      }
    }

    Run run = lake.run(lake.plan("raw-feed", WITHOUT_MODEL, Map.of()), "raw-1");

    assertThat(run.succeeded()).as(run.run().error()).isTrue();
    for (String table : List.of("small", "large")) {
      String step = table + "-drift";
      JsonNode counts = DriftFixtures.root().path("tables").path(table);
      List<JsonNode> fixtures = DriftFixtures.columns(table);
      Map<String, Row> rows = new java.util.TreeMap<>();
      lake.table("monitoring." + table + "_drift").where("level = 'column'").collectAsList()
          .forEach(r -> rows.put(r.getAs("column"), r));
      assertThat(rows.keySet()).as("the shared columns but the id and the date")
          .containsExactlyInAnyOrderElementsOf(fixtures.stream().map(f -> f.path("name").asText()).toList());
      for (JsonNode f : fixtures) {
        Row r = rows.get(f.path("name").asText());
        JsonNode expected = f.path("expected");
        DriftMethod method = DriftMethod.parse(r.getAs("method")).orElseThrow();
        Double p = r.getAs("p_value");
        double value = r.getAs("value");
        double pValue = p == null ? Double.NaN : p;
        assertThat(method.configName()).isEqualTo(expected.path("defaultMethod").asText());
        FixtureFrames.assertMatches(step + " " + r.getAs("column"), method, value, pValue, r.getAs("error_bound"),
            expected);
        assertThat(r.<String>getAs("column_type")).isEqualTo(expected.path("kind").asText().toLowerCase(java.util.Locale.ROOT));
        assertThat(r.<Double>getAs("threshold")).isEqualTo(method.defaultThreshold());
        assertThat(r.<Boolean>getAs("drifted")).isEqualTo(method.drifted(value, pValue, method.defaultThreshold()));
        assertThat(r.<Long>getAs("reference_rows")).isEqualTo(counts.path("referenceRows").asLong());
        assertThat(r.<Long>getAs("current_rows")).isEqualTo(counts.path("currentRows").asLong());
        assertThat(r.<String>getAs("model_name")).isNull();
        assertThat(r.<Integer>getAs("model_version")).isNull();
        assertThat(r.<String>getAs("reference_table")).isEqualTo("fx." + table + "_reference");
        assertThat(r.<Long>getAs("reference_version")).isZero();
      }
      long drifted = rows.values().stream().filter(r -> r.<Boolean>getAs("drifted")).count();
      Row dataset = lake.table("monitoring." + table + "_drift").where("level = 'dataset'").head();
      assertThat(dataset.<Double>getAs("value")).isEqualTo((double) drifted / fixtures.size());
      assertThat(run.infos()).contains("step " + step + ": compares the " + fixtures.size() + " columns both sides share;"
          + " left out row_id (an id), snapshot_date (date) (list them in columns to compare them)");
      assertThat(run.infos()).anyMatch(i -> i.startsWith("data drift of step " + step + ": "));
    }
    assertThat(lake.table("monitoring.small_drift").select("current_table", "current_version")
        .distinct().collectAsList()).extracting(r -> r.getString(0), r -> r.getLong(1))
        .containsExactly(tuple("small-today", 0L));
    assertThat(DriftHistory.entries(spark, lakehouse.resolve("monitoring/large_drift").toString(), "raw-feed",
        "large-drift", null, 1, null)).extracting(HistoryEntry::model).containsOnly(DriftHistory.NO_MODEL);
    assertThat(run.steps()).filteredOn(s -> s.step().endsWith("-drift")).allSatisfy(s ->
        assertThat(s.inputs()).extracting(InputVersion::name).noneMatch(n -> n.startsWith("model ")));

    // A history that holds a file per night is compacted by the night that finds 20 (DeltaIO.compacting).
    String history = lakehouse.resolve("monitoring/small_drift").toString();
    Dataset<Row> night = spark.read().format("delta").load(history);
    spark.conf().set("spark.sql.files.maxRecordsPerFile", night.count());
    try {
      night.crossJoin(spark.range(1, 20)).withColumn("run_date", org.apache.spark.sql.functions.expr("date_sub(run_date,"
          + " CAST(id AS INT))")).drop("id").coalesce(1).sortWithinPartitions("run_date").write().format("delta")
          .mode("append").save(history);
    } finally {
      spark.conf().unset("spark.sql.files.maxRecordsPerFile");
    }
    assertThat(spark.sql("DESCRIBE DETAIL delta.`" + history + "`").first().<Long>getAs("numFiles")).isEqualTo(20);

    Run next = lake.run(lake.plan("raw-feed", WITHOUT_MODEL, Map.of("run-date", "2026-11-06")), "raw-2");

    assertThat(next.succeeded()).as(next.run().error()).isTrue();
    assertThat(spark.sql("DESCRIBE DETAIL delta.`" + history + "`").first().<Long>getAs("numFiles")).isEqualTo(1);
    assertThat(io.delta.tables.DeltaTable.forPath(spark, history).history(1)
        .selectExpr("operation", "operationParameters['auto']").collectAsList().toString()).isEqualTo("[[OPTIMIZE,true]]");
    assertThat(lake.table("monitoring.small_drift").select("run_date").distinct().count()).isEqualTo(21);
  }

  /**
   * Two model-free drift steps of one pipeline sharing one history table, each comparing the night's
   * customers shifted against the same customers: age drifts every night, plan only on the second night.
   */
  private static final String SHARED_HISTORY = """
      pipeline { name = feed-watch }
      params { run-date = "2026-11-01" }
      sources {
        today { format = generate, generator = churn-customers, rows = 300, seed = ${params.run-date} }
      }
      steps {
        shifted {
          type = sql
          sql = "SELECT age + 40 AS age, CASE WHEN '${params.run-date}' = '2026-11-02' THEN 'gold' ELSE plan END AS plan FROM today"
        }
        age-drift {
          type = drift, current = shifted, reference = today, columns = [age], output = monitoring.feed_drift
          on-drift { consecutive-runs = 2, trigger-pipeline = feed-retrain }
        }
        plan-drift {
          type = drift, current = shifted, reference = today, columns = [plan], output = monitoring.feed_drift
          on-drift { consecutive-runs = 2, trigger-pipeline = feed-retrain }
        }
      }
      """;

  @Test
  void twoDriftStepsSharingAHistoryTableKeepTheirOwnRowsAndCountTheirOwnConsecutiveRuns() {
    for (String date : List.of("2026-11-01", "2026-11-02")) {
      Run night = lake.run(lake.plan("feed-watch", SHARED_HISTORY, Map.of("run-date", date)), "feed-" + date);
      assertThat(night.succeeded()).as(night.run().error()).isTrue();
    }

    assertThat(lake.table("monitoring.feed_drift").where("level = 'dataset'").orderBy("step", "run_date")
        .collectAsList()).extracting(r -> r.getAs("step"), r -> r.getAs("run_date").toString(), r -> r.getAs("drifted"),
            r -> r.getAs("action"))
        .containsExactly(
            tuple("age-drift", "2026-11-01", true, "waiting: 1 of 2 drifted runs in a row"),
            tuple("age-drift", "2026-11-02", true, "would trigger pipeline feed-retrain (Airflow client not configured)"),
            tuple("plan-drift", "2026-11-01", false, ""),
            tuple("plan-drift", "2026-11-02", true, "waiting: 1 of 2 drifted runs in a row"));
    assertThat(DriftHistory.entries(spark, lake.location("monitoring.feed_drift"), "feed-watch", "plan-drift", null, 14,
        null)).extracting(HistoryEntry::column).containsExactly("*", "plan", "*", "plan");
  }

  private static int occurrences(String text, String part) {
    Matcher m = Pattern.compile(Pattern.quote(part)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
