package dev.lakemill.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.lakemill.PipelineFixture;
import dev.lakemill.PipelineFixture.Run;
import dev.lakemill.SparkTestBase;
import dev.lakemill.drift.DriftTrigger;
import dev.lakemill.ledger.StepRecord;
import dev.lakemill.ledger.StepStatus;
import dev.lakemill.registry.ModelRegistry;
import dev.lakemill.registry.ModelVersion;
import dev.lakemill.spec.ModelRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The drift to retrain loop of the shipped pair {@code pipeline-defs/churn-daily.conf} and
 * {@code churn-retrain.conf}, night by night on 800 generated customers a night: a first champion,
 * quiet nights, a shift that drifts two nights in a row and triggers the retrain, the retrain that
 * learns the shifted nights and is promoted, and the next shifted night that compares with the new
 * champion's training rows and stays quiet. The generator's seed is the run date, so every night
 * differs and every run of the test sees the same rows.
 */
class DriftLoopTest extends SparkTestBase {
  private static final Path DAILY = Path.of("../pipeline-defs/churn-daily.conf");
  private static final Path RETRAIN = Path.of("../pipeline-defs/churn-retrain.conf");
  private static final ModelRef CHAMPION = ModelRef.parse("churn-daily@champion").orElseThrow();

  /** The conf of every trigger the drift step asked for, by pipeline. */
  private final List<Map<String, Map<String, Object>>> triggered = new ArrayList<>();

  /** Runs churn-daily for {@code date} with the generator's {@code shift}: the named steps, or all. */
  private Run night(String date, String shift, String... steps) {
    DriftTrigger recording = (pipeline, conf) -> {
      triggered.add(Map.of(pipeline, conf));
      return DriftTrigger.NOT_CONFIGURED.trigger(pipeline, conf);
    };
    Map<String, String> params = new HashMap<>(Map.of("rows", "800", "shift", shift, "run-date", date));
    params.put("reports", lakehouse.resolve("reports").toString());
    Run run = lake.run(new PipelineRunner(spark, recording), PipelineFixture.plan(DAILY, params, lake.env()),
        "churn-daily-" + date, RunOptions.DEFAULT, RunListener.NONE, steps);
    assertThat(run.succeeded()).as(run.run().error()).isTrue();
    return run;
  }

  private Run retrain(String date) {
    Run run = lake.run(PipelineFixture.plan(RETRAIN, Map.of("run-date", date), lake.env()), "churn-retrain-" + date);
    assertThat(run.succeeded()).as(run.run().error()).isTrue();
    return run;
  }

  /** The dataset row of the night's drift history. */
  private Row verdict(String date) {
    return lake.table("monitoring.churn_daily_drift")
        .where("level = 'dataset' AND run_date = DATE '" + date + "'").head();
  }

  private ModelRegistry registry() {
    return new ModelRegistry(spark, lakehouse.resolve("_lakemill").toString());
  }

  private static StepStatus status(Run run, String step) {
    return run.steps().stream().filter(s -> s.step().equals(step)).map(StepRecord::status).findFirst().orElseThrow();
  }

  @Test
  void aShiftThatDriftsTwoNightsTriggersTheRetrainWhoseChampionTheNextNightsCompareWith() throws Exception {
    // Night 0: no champion yet, so land the night only and train the first champion on it.
    night("2026-11-20", "0", "land");
    Run first = retrain("2026-11-20");
    assertThat(status(first, "train")).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(registry().resolve(CHAMPION).version()).isEqualTo(1);

    // Nights 1 and 2: the training distribution, new customers every night.
    for (String date : List.of("2026-11-21", "2026-11-22")) {
      night(date, "0");
      assertThat(verdict(date).<Boolean>getAs("drifted")).as(date).isFalse();
      assertThat(verdict(date).<String>getAs("action")).as(date).isEmpty();
      assertThat(verdict(date).<Integer>getAs("model_version")).as(date).isEqualTo(1);
    }
    assertThat(lake.sql("SELECT count(DISTINCT customer_id, age, tenure_months) FROM delta.`"
        + lake.location("gold.churn_daily_scores") + "` WHERE snapshot_date >= DATE '2026-11-21'").get(0).getLong(0))
        .as("the seed follows the run date, so the nights differ").isGreaterThan(1400);

    // Nights 3 and 4: the customers shift; the second drifted night in a row triggers churn-retrain.
    night("2026-11-23", "1.0");
    assertThat(verdict("2026-11-23").<Boolean>getAs("drifted")).isTrue();
    assertThat(verdict("2026-11-23").<String>getAs("action")).isEqualTo("waiting: 1 of 2 drifted runs in a row");
    assertThat(triggered).isEmpty();
    night("2026-11-24", "1.0");
    assertThat(verdict("2026-11-24").<Boolean>getAs("drifted")).isTrue();
    assertThat(verdict("2026-11-24").<String>getAs("action"))
        .isEqualTo("would trigger pipeline churn-retrain (Airflow client not configured)");
    assertThat(triggered).singleElement().satisfies(t -> assertThat(t.get("churn-retrain")).contains(
        entry("dedupe_key", "drift__churn-daily__drift__2026-11-24"), entry("source_pipeline", "churn-daily"),
        entry("run_id", "churn-daily-2026-11-24"), entry("run_date", "2026-11-24"), entry("model", "churn-daily@v1"),
        entry("run-date", "2026-11-24")));
    assertThat(lakehouse.resolve("reports/churn-daily-drift-2026-11-24.html")).exists();

    // What the trigger starts, with the params it sends (by hand here, as without Airflow): a real retrain.
    Run second = retrain((String) triggered.get(0).get("churn-retrain").get("run-date"));
    assertThat(status(second, "window")).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(status(second, "train")).isEqualTo(StepStatus.SUCCEEDED);
    ModelVersion champion = registry().resolve(CHAMPION);
    assertThat(champion.version()).isEqualTo(2);
    assertThat(registry().validations("churn-daily")).filteredOn(v -> v.version() == 2).singleElement()
        .satisfies(v -> assertThat(v.passed()).isTrue());
    assertThat(lake.sql("SELECT DISTINCT CAST(snapshot_date AS STRING) FROM delta.`"
        + champion.dataVersion().location() + "` VERSION AS OF " + champion.dataVersion().version()))
        .extracting(r -> r.getString(0)).containsExactlyInAnyOrder("2026-11-23", "2026-11-24");

    // Nights 5 and 6, the same shift: compared with the new champion's training rows, no drift.
    for (String date : List.of("2026-11-25", "2026-11-26")) {
      night(date, "1.0");
      Row quiet = verdict(date);
      assertThat(quiet.<Boolean>getAs("drifted")).as(date).isFalse();
      assertThat(quiet.<String>getAs("action")).as(date).isEmpty();
      assertThat(quiet.<Integer>getAs("model_version")).as(date).isEqualTo(2);
      assertThat(quiet.<String>getAs("reference_table")).isEqualTo("silver.churn_daily_training");
      assertThat(quiet.<Long>getAs("reference_version")).isEqualTo(champion.dataVersion().version());
      assertThat(quiet.<Long>getAs("current_rows")).as("the night's rows only")
          .isEqualTo(lake.table("gold.churn_daily_scores").where("snapshot_date = DATE '" + date + "'").count());
    }
    assertThat(triggered).hasSize(1);
    assertThat(Files.list(lakehouse.resolve("reports"))).hasSize(6);
  }
}
