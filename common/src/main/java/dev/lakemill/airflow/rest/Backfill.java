package dev.lakemill.airflow.rest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A backfill of an Airflow 3 DAG: runs for every logical date from {@code fromDate} to {@code toDate}.
 *
 * @param id Airflow's backfill id
 * @param dagId the DAG
 * @param fromDate the first logical date
 * @param toDate the last logical date (inclusive)
 * @param completedAt when Airflow marked it complete, or null while it runs
 */
public record Backfill(long id, String dagId, Instant fromDate, Instant toDate, Instant completedAt) {
  public boolean completed() {
    return completedAt != null;
  }

  static Backfill from(JsonNode n) {
    return new Backfill(n.path("id").asLong(), Json.text(n, "dag_id"), Json.instant(n, "from_date"),
        Json.instant(n, "to_date"), Json.instant(n, "completed_at"));
  }
}
