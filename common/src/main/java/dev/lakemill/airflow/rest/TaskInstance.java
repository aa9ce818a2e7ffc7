package dev.lakemill.airflow.rest;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One task instance of a run.
 *
 * @param taskId the task id
 * @param mapIndex the index of a mapped task, -1 for an unmapped one
 * @param state e.g. {@code success}, {@code failed}, {@code upstream_failed}; null before it is scheduled
 *     (Airflow 2's deprecated {@code none} reads as null too)
 * @param tryNumber the current try, counting from 1 (0 before the first)
 */
public record TaskInstance(String taskId, int mapIndex, String state, int tryNumber) {
  /** The task id, with {@code [i]} for a mapped task. */
  public String label() {
    return mapIndex < 0 ? taskId : taskId + "[" + mapIndex + "]";
  }

  static TaskInstance from(JsonNode n) {
    String state = Json.text(n, "state");
    return new TaskInstance(Json.text(n, "task_id"), n.path("map_index").asInt(-1),
        "none".equals(state) ? null : state, n.path("try_number").asInt(0));
  }
}
