package dev.lakemill.airflow.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.lakemill.load.PipelineFiles;
import dev.lakemill.settings.AirflowCredentials;
import dev.lakemill.settings.AirflowSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A drift step's trigger-pipeline starts the pipeline's DAG once per drift run date, retries included. */
class AirflowDriftTriggerTest {
  @TempDir Path dir;

  private AirflowDriftTrigger trigger(FakeAirflow airflow) {
    AirflowSettings settings = AirflowSettings.from(ConfigFactory.parseString("""
        url = "%s"
        version = %d
        max-attempts = 1
        """.formatted(airflow.url(), airflow.major())), dir);
    return new AirflowDriftTrigger(new AirflowClient(settings,
        AirflowCredentials.password(FakeAirflow.USER, FakeAirflow.PASSWORD, "test")));
  }

  @Test
  void triggersTheDagOnceAndARetryOfTheSameDriftRunFindsItsOwnRun() {
    try (FakeAirflow airflow = FakeAirflow.start(3)) {
      airflow.addDag("churn", false);
      Map<String, Object> conf = Map.of("dedupe_key", "drift__churn-nightly__drift__2026-11-26", "drifted_share", 0.6);

      String first = trigger(airflow).trigger("churn", conf);
      String retry = trigger(airflow).trigger("churn", conf);

      assertThat(first).isEqualTo("triggered Airflow DAG churn run lakemill__drift__churn-nightly__drift__2026-11-26"
          + " (queued)");
      assertThat(retry).isEqualTo(first);
      assertThat(airflow.triggerBodies()).hasSize(2);
      assertThat(airflow.count("GET /api/v2/dags/churn/dagRuns/lakemill__drift__churn-nightly__drift__2026-11-26")).isOne();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void theDeclaredParamsReachTheDagRunsConf(int major) {
    try (FakeAirflow airflow = FakeAirflow.start(major)) {
      airflow.addDag("churn", false);
      Map<String, Object> conf = new LinkedHashMap<>();
      conf.put("dedupe_key", "drift__churn-nightly__drift__2026-11-26");
      conf.put("drifted_columns", List.of("age"));
      conf.put("train-from", "2026-10-27");
      conf.put("train-to", "2026-11-26");

      String done = trigger(airflow).trigger("churn", conf);

      String runId = "lakemill__drift__churn-nightly__drift__2026-11-26";
      assertThat(done).isEqualTo("triggered Airflow DAG churn run " + runId + " (queued)");
      assertThat(airflow.runConf("churn", runId).toString()).isEqualTo("{\"dedupe_key\":"
          + "\"drift__churn-nightly__drift__2026-11-26\",\"drifted_columns\":[\"age\"],\"train-from\":\"2026-10-27\","
          + "\"train-to\":\"2026-11-26\"}");
    }
  }

  @Test
  void aPausedDagIsNotTriggeredAndSaysHowToFixIt() {
    try (FakeAirflow airflow = FakeAirflow.start(3)) {
      airflow.addDag("churn", true);

      assertThatThrownBy(() -> trigger(airflow).trigger("churn", Map.of("dedupe_key", "k")))
          .isInstanceOf(AirflowException.class).hasMessageContaining("churn").hasMessageContaining("paused");
      assertThat(airflow.triggerBodies()).isEmpty();
    }
  }

  @Test
  void withoutCredentialsNoTriggerIsConfigured() {
    assertThat(AirflowDriftTrigger.configured("../conf", "local", Map.of(), PipelineFiles.LOCAL)).isEmpty();
    assertThat(AirflowDriftTrigger.configured("../conf", "local",
        Map.of(AirflowCredentials.TOKEN_VAR, "t0ken"), PipelineFiles.LOCAL)).isPresent();
  }
}
