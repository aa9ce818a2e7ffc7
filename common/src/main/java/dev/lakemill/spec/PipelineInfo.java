package dev.lakemill.spec;

import java.util.List;

/**
 * The {@code pipeline { ... }} block.
 *
 * @param name pipeline name; required; letters, digits, {@code -} and {@code _}. Used in the ledger,
 *     in job group labels and as the Airflow dag_id.
 * @param description free text shown by {@code lakemill plan}; optional (empty when absent)
 * @param owner team or person that owns the pipeline; optional
 * @param schedule cron expression for schedulers; optional; lakemill itself never reads the clock
 * @param tags free labels; optional
 */
public record PipelineInfo(
    String name, String description, String owner, String schedule, List<String> tags) {
  public PipelineInfo {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("Pipeline name must not be blank");
    }
    description = description == null ? "" : description;
    owner = owner == null ? "" : owner;
    schedule = schedule == null ? "" : schedule;
    tags = tags == null ? List.of() : List.copyOf(tags);
  }
}
