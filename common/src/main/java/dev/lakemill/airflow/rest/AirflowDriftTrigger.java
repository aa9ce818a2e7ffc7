package dev.lakemill.airflow.rest;

import dev.lakemill.drift.DriftTrigger;
import dev.lakemill.load.PipelineFiles;
import java.util.Map;
import java.util.Optional;

/**
 * A drift step's {@code on-drift { trigger-pipeline }} through Airflow's REST API: triggers the
 * pipeline's DAG with a run id derived from the drift run's {@code dedupe_key}, so an Airflow retry of
 * the drift step gets a 409 for the same run, which the client accepts as its own (same conf) instead
 * of starting retraining twice.
 */
public final class AirflowDriftTrigger implements DriftTrigger {
  private final AirflowClient client;

  public AirflowDriftTrigger(AirflowClient client) {
    this.client = client;
  }

  /**
   * The trigger for runs whose environment has Airflow credentials (environment variables or the
   * configured credentials file) in the conf folder {@code confDir}, a local folder or a URI that
   * {@code files} reads; empty otherwise, and drift steps then only record what they would do.
   */
  public static Optional<DriftTrigger> configured(String confDir, String env, Map<String, String> environment,
      PipelineFiles files) {
    return AirflowClient.configured(confDir, env, environment, files).map(client -> new AirflowDriftTrigger(client));
  }

  @Override
  public String trigger(String pipeline, Map<String, Object> conf) {
    String dagId = AirflowIds.dagId(pipeline);
    String runId = runId(String.valueOf(conf.get("dedupe_key")));
    DagRun run = client.trigger(dagId, runId, conf, false);
    return "triggered Airflow DAG " + dagId + " run " + run.runId() + " (" + run.state() + ")";
  }

  /** {@code lakemill__<dedupe key>} with every character Airflow rejects in run ids replaced by {@code _}. */
  static String runId(String dedupeKey) {
    return "lakemill__" + dedupeKey.replaceAll("[^A-Za-z0-9_.~:+-]", "_").replace("..", "__");
  }
}
