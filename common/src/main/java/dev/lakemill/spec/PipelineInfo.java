package dev.lakemill.spec;

import java.util.List;

/**
 * The {@code pipeline { ... }} block.
 *
 * @param name pipeline name; required; letters, digits, {@code -} and {@code _}. Used in the ledger,
 *     in job group labels and as the Airflow dag_id.
 * @param description free text shown by {@code lakemill plan}; optional (empty when absent)
 * @param owner team or person that owns the pipeline; optional
 * @param schedule a 5-field cron expression or an Airflow preset ({@code @daily}, ...) for
 *     schedulers; optional (empty: manual runs only, or {@code onUpdate}); lakemill itself never reads
 *     the clock
 * @param tags free labels; optional
 * @param onUpdate {@code schedule { on-update = [...] }}: lakehouse tables ({@code schema.table}) and
 *     model aliases ({@code model@alias}) whose update starts the pipeline in Airflow; empty when the
 *     pipeline has a cron schedule or none
 */
public record PipelineInfo(
    String name, String description, String owner, String schedule, List<String> tags, List<String> onUpdate) {
  public PipelineInfo {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("Pipeline name must not be blank");
    }
    description = description == null ? "" : description;
    owner = owner == null ? "" : owner;
    schedule = schedule == null ? "" : schedule;
    tags = tags == null ? List.of() : List.copyOf(tags);
    onUpdate = onUpdate == null ? List.of() : List.copyOf(onUpdate);
  }

  /** A pipeline without {@code on-update}. */
  public PipelineInfo(String name, String description, String owner, String schedule, List<String> tags) {
    this(name, description, owner, schedule, tags, List.of());
  }
}
