package dev.lakemill.airflow.dags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakemill.airflow.rest.AirflowIds;
import dev.lakemill.error.LakemillException;
import dev.lakemill.settings.AirflowVersion;
import dev.lakemill.settings.DagSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DagGeneratorTest {
  @Test
  void dagIdKeepsLettersDigitsDotsDashesAndUnderscores() {
    assertThat(AirflowIds.dagId("churn-prep_v2.1")).isEqualTo("churn-prep_v2.1");
    assertThat(AirflowIds.dagId("churn prep/ü:x")).isEqualTo("churn_prep___x");
  }

  @Test
  void needsTheApplicationJarAndThePipelinesFolder() {
    DagSettings noJar = DagSettings.DEFAULTS;
    DagSettings noDir = new DagSettings("/opt/lakemill/lakemill-jobs.jar", "", "cluster", "spark_default", 1, 5,
        Map.of(), List.of(), List.of(), Map.of(), DagSettings.SHARED, "");

    assertThatThrownBy(() -> new DagGenerator(noJar, AirflowVersion.AIRFLOW_3))
        .isInstanceOf(LakemillException.class)
        .hasMessage("Cannot generate DAGs: lakemill.dags.application-jar is not set; set it in application.conf or the"
            + " environment overlay to the lakemill-jobs jar as spark-submit on the Airflow worker sees it");
    assertThatThrownBy(() -> new DagGenerator(noDir, AirflowVersion.AIRFLOW_2))
        .isInstanceOf(LakemillException.class)
        .hasMessage("Cannot generate DAGs: lakemill.dags.pipelines-dir is not set; set it in application.conf or the"
            + " environment overlay to the folder the pipeline files are deployed to, as the Spark driver sees it");
  }

  @Test
  void shippingNeedsTheConfFolder() {
    DagSettings ship = new DagSettings("/opt/lakemill/lakemill-jobs.jar", "/srv/pipelines", "prod", "spark_default",
        1, 5, Map.of(), List.of(), List.of(), Map.of(), DagSettings.SHIP, "");

    assertThatThrownBy(() -> new DagGenerator(ship, AirflowVersion.AIRFLOW_3))
        .isInstanceOf(LakemillException.class)
        .hasMessage("Cannot generate DAGs: lakemill.dags.conf-dir is not set; set it in application.conf or the"
            + " environment overlay to the conf folder as spark-submit on the Airflow worker sees it (deploy = ship"
            + " ships its application.conf and prod.conf with every task)");
  }

  @Test
  void airflowVersionIsTwoOrThree() {
    assertThat(AirflowVersion.parse("2")).isEqualTo(AirflowVersion.AIRFLOW_2);
    assertThat(AirflowVersion.parse("3")).isEqualTo(AirflowVersion.AIRFLOW_3);
    assertThatThrownBy(() -> AirflowVersion.parse("2.10"))
        .isInstanceOf(LakemillException.class)
        .hasMessage("Cannot generate DAGs for Airflow '2.10': use --airflow 2 or --airflow 3");
  }
}
