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
      "lakemill-20261126T213302Z-1a2b3c"})
  void acceptsAirflowRunIds(String runId) {
    assertThat(RunIds.check(runId)).isEqualTo(runId);
  }

  @ParameterizedTest
  @ValueSource(strings = {"it's mine", "a/b", "", "{{ run_id }}"})
  void rejectsIdsUnsafeInTablesAndPaths(String runId) {
    assertThatThrownBy(() -> RunIds.check(runId))
        .isInstanceOf(LakemillException.class)
        .hasMessage("Cannot use run id '" + runId + "': use up to 250 letters, digits and _ . : + - (Airflow run ids qualify)");
  }
}
