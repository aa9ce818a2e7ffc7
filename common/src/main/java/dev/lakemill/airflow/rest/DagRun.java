package dev.lakemill.airflow.rest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;

/**
 * One run of a DAG.
 *
 * @param dagId the DAG id
 * @param runId the run id ({@code dag_run_id})
 * @param state {@code queued}, {@code running}, {@code success} or {@code failed}
 * @param conf the run's conf object (empty when none)
 * @param logicalDate the logical date; null for runs without one (Airflow 3 manual runs)
 * @param startDate when the run started, or null
 * @param endDate when the run ended, or null
 */
public record DagRun(String dagId, String runId, String state, Map<String, Object> conf, Instant logicalDate,
    Instant startDate, Instant endDate) {

  /** True for the end states {@code success} and {@code failed}. */
  public boolean finished() {
    return succeeded() || "failed".equals(state);
  }

  public boolean succeeded() {
    return "success".equals(state);
  }

  static DagRun from(JsonNode n) {
    return new DagRun(Json.text(n, "dag_id"), Json.text(n, "dag_run_id"), Json.text(n, "state"), Json.object(n, "conf"),
        Json.instant(n, "logical_date"), Json.instant(n, "start_date"), Json.instant(n, "end_date"));
  }
}
