package dev.lakemill.airflow.rest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * The health endpoint's answer. Each status is {@code healthy}, {@code unhealthy}, or null when the
 * component does not report (e.g. no standalone DAG processor on Airflow 2).
 *
 * @param metadatabase the metadata database
 * @param scheduler the scheduler
 * @param schedulerHeartbeat the scheduler's latest heartbeat, or null
 * @param triggerer the triggerer
 * @param dagProcessor the DAG processor
 */
public record AirflowHealth(String metadatabase, String scheduler, Instant schedulerHeartbeat, String triggerer,
    String dagProcessor) {

  /** True when the metadata database and the scheduler are healthy: triggered runs will start. */
  public boolean healthy() {
    return "healthy".equals(metadatabase) && "healthy".equals(scheduler);
  }

  static AirflowHealth from(JsonNode n) {
    return new AirflowHealth(Json.text(n.path("metadatabase"), "status"), Json.text(n.path("scheduler"), "status"),
        Json.instant(n.path("scheduler"), "latest_scheduler_heartbeat"), Json.text(n.path("triggerer"), "status"),
        Json.text(n.path("dag_processor"), "status"));
  }
}
