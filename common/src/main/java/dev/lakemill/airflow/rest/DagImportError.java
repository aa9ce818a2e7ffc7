package dev.lakemill.airflow.rest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A DAG file that Airflow could not parse.
 *
 * @param id Airflow's {@code import_error_id}
 * @param filename the file
 * @param timestamp when the error was recorded, or null
 * @param stackTrace the error as Airflow reports it
 */
public record DagImportError(long id, String filename, Instant timestamp, String stackTrace) {
  static DagImportError from(JsonNode n) {
    return new DagImportError(n.path("import_error_id").asLong(), Json.text(n, "filename"),
        Json.instant(n, "timestamp"), Json.text(n, "stack_trace"));
  }
}
