package dev.lakemill.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakemill.error.LakemillException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RunIdsTest {
  /** What Airflow 2 and 3 put in {{ run_id }}, which generated DAGs pass to lakemill run --run-id. */
  @ParameterizedTest
  @ValueSource(strings = {
      "scheduled__2026-11-26T02:00:00+00:00",
      "manual__2026-11-26T02:00:00+00:00",
      "manual__2026-11-26T02:00:00.123456+00:00",
      "manual__2026-11-26T02:00:00.123456+00:00_Xk3dPq7a",
      "asset_triggered__2026-11-26T02:00:00+00:00",
      "backfill__2026-11-26T02:00:00+00:00",
      "lakemill-20261126T213302Z-1a2b3c",
      "lakemill__2026-11-26T21:33:02+00:00~1"})
  void acceptsAirflowRunIds(String runId) {
    assertThat(RunIds.check(runId)).isEqualTo(runId);
  }

  @ParameterizedTest
  @ValueSource(strings = {"it's mine", "a/b", "", "{{ run_id }}", "..", "a..b", "a\u001bb"})
  void rejectsIdsUnsafeInTablesAndPaths(String runId) {
    assertThatThrownBy(() -> RunIds.check(runId))
        .isInstanceOf(LakemillException.class)
        .hasMessage("Cannot use run id '" + runId + "': use up to 250 letters, digits and _ . ~ : + - (no ..)"
            + " (Airflow run ids qualify)");
  }

  /** The Airflow client's rule is the command line's, plus the prefixes Airflow keeps for itself. */
  @org.junit.jupiter.api.Test
  void theAirflowClientAcceptsTheSameIds() {
    for (String runId : java.util.List.of("a~b", "x".repeat(250), "x".repeat(251), "a..b", "a b", "manual__1",
        "scheduled__1")) {
      boolean cli = dev.lakemill.error.RunIdRule.valid(runId);
      boolean airflow;
      try {
        dev.lakemill.airflow.rest.AirflowIds.checkRunId(runId);
        airflow = true;
      } catch (LakemillException e) {
        airflow = false;
      }
      assertThat(airflow).as(runId).isEqualTo(cli && !runId.startsWith("scheduled__"));
      assertThat(cli).as(runId).isEqualTo(runId.length() <= 250 && !runId.contains("..") && !runId.contains(" "));
    }
  }
}
