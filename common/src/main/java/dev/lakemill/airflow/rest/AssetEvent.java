package dev.lakemill.airflow.rest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * An asset event Airflow recorded (a dataset event on Airflow 2).
 *
 * @param uri the asset's URI
 * @param assetId Airflow's id of the asset ({@code asset_id}, {@code dataset_id} on Airflow 2)
 * @param timestamp when Airflow recorded it, or null
 * @param createdRuns how many DAG runs the answer says the event created (usually 0: the scheduler creates
 *     them afterwards)
 */
public record AssetEvent(String uri, long assetId, Instant timestamp, int createdRuns) {
  static AssetEvent from(String uri, JsonNode n) {
    long id = n.path(n.has("asset_id") ? "asset_id" : "dataset_id").asLong(-1);
    return new AssetEvent(uri, id, Json.instant(n, "timestamp"), n.path("created_dagruns").size());
  }
}
