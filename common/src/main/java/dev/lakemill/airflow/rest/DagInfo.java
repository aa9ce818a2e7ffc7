package dev.lakemill.airflow.rest;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A DAG as Airflow knows it.
 *
 * @param dagId the DAG id
 * @param paused whether the scheduler ignores it: runs triggered while paused stay queued
 * @param hasImportErrors whether its file failed to parse last time (false when Airflow does not say)
 */
public record DagInfo(String dagId, boolean paused, boolean hasImportErrors) {
  static DagInfo from(JsonNode n) {
    return new DagInfo(Json.text(n, "dag_id"), n.path("is_paused").asBoolean(false),
        n.path("has_import_errors").asBoolean(false));
  }
}
