package dev.lakemill.ledger;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One invocation of {@code lakemill run}. Several invocations may share a run id (Airflow runs each
 * step as its own submit); each appends its own row.
 *
 * @param runId run id
 * @param pipeline pipeline name
 * @param pipelineFile the pipeline file
 * @param params params after overrides
 * @param steps the steps this invocation ran
 * @param startedAt start
 * @param endedAt end
 * @param status how the invocation ended
 * @param lakemillVersion lakemill version
 * @param error first error, empty on success
 */
public record RunRecord(
    String runId,
    String pipeline,
    String pipelineFile,
    Map<String, String> params,
    List<String> steps,
    Instant startedAt,
    Instant endedAt,
    RunStatus status,
    String lakemillVersion,
    String error) {
  public RunRecord {
    params = Map.copyOf(params);
    steps = List.copyOf(steps);
  }
}
