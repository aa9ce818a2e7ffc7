package dev.lakemill.drift;

import java.util.Map;

/**
 * Starts another pipeline when a drift step's {@code on-drift} acts ({@code trigger-pipeline}). The
 * production implementation triggers the pipeline's Airflow DAG; {@link #NOT_CONFIGURED} only says
 * what it would have done.
 */
public interface DriftTrigger {
  /**
   * Triggers {@code pipeline} (its Airflow DAG) with {@code conf}. Called before the drift step writes
   * its history, so that the history records what happened; a retry of the same run date calls it again
   * with the same {@code conf}, whose {@code dedupe_key} lets the implementation avoid a second DAG run.
   *
   * @param pipeline the pipeline (DAG id) to start
   * @param conf the DAG run's conf: {@code dedupe_key}, {@code source_pipeline}, {@code run_id},
   *     {@code run_date}, {@code model}, {@code drifted_columns}, {@code drifted_share}
   * @return what was done, as the history table's {@code action} and the run's log show it
   * @throws RuntimeException when the pipeline could not be triggered: the drift step fails
   */
  String trigger(String pipeline, Map<String, Object> conf);

  /** Records the intention only: no Airflow client is wired into this build yet. */
  DriftTrigger NOT_CONFIGURED = (pipeline, conf) -> "would trigger pipeline " + pipeline
      + " (Airflow client not configured)";
}
