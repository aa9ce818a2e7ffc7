package dev.lakemill.airflow.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.lakemill.settings.AirflowCredentials;
import dev.lakemill.settings.AirflowSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A drift step's trigger-pipeline starts the pipeline's DAG once per drift run date, retries included. */
class AirflowDriftTriggerTest {
  @TempDir Path dir;

  private AirflowDriftTrigger trigger(FakeAirflow airflow) {
    AirflowSettings settings = AirflowSettings.from(ConfigFactory.parseString("""
        url = "%s"
        version = 3
        max-attempts = 1
        """.formatted(airflow.url())), dir);
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
    assertThat(AirflowDriftTrigger.configured(Path.of("../conf"), "local", Map.of())).isEmpty();
    assertThat(AirflowDriftTrigger.configured(Path.of("../conf"), "local",
        Map.of(AirflowCredentials.TOKEN_VAR, "t0ken"))).isPresent();
  }
}
