package dev.lakemill.airflow.rest;

import dev.lakemill.error.LakemillException;
import dev.lakemill.load.PipelineFiles;
import dev.lakemill.settings.AirflowVersion;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Tells Airflow that a model alias moved ({@code lakemill models promote|rollback}), by posting an asset
 * event (a dataset event on Airflow 2) for {@link AssetUris#modelAlias}, so that DAGs scheduled on the
 * alias run. The alias has moved already when this is called: a failure to post is a warning, never a
 * failed promotion.
 */
public final class AirflowAssetEvents {
  private final AirflowClient client;
  private final String env;

  /** Events for the aliases of environment {@code env} (the {@code <env>} of {@link AssetUris}). */
  public AirflowAssetEvents(AirflowClient client, String env) {
    this.client = client;
    this.env = env;
  }

  /**
   * The events for an environment with Airflow credentials (environment variables or the configured
   * credentials file) in the conf folder {@code confDir}, a local folder or a URI that {@code files}
   * reads; empty otherwise, and nothing is posted.
   */
  public static Optional<AirflowAssetEvents> configured(String confDir, String env, Map<String, String> environment,
      PipelineFiles files) {
    return AirflowClient.configured(confDir, env, environment, files).map(client -> new AirflowAssetEvents(client, env));
  }

  /**
   * Posts the event for {@code model@alias}, now at version {@code to} (from {@code from}, 0 for none).
   *
   * @param action {@code promote} or {@code rollback}, stored in the event's extra
   * @return the line to print: what was posted, or {@code warning: ...} with why not and that the move
   *     stands
   */
  public String aliasMoved(String model, String alias, int from, int to, String action) {
    String uri = AssetUris.modelAlias(env, model, alias);
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("model", model);
    extra.put("alias", alias);
    extra.put("version", to);
    extra.put("from_version", from);
    extra.put("action", action);
    String noun = client.settings().version() == AirflowVersion.AIRFLOW_2 ? "dataset" : "asset";
    try {
      AssetEvent event = client.postAssetEvent(uri, extra);
      return "Airflow " + noun + " event posted for " + uri + " (" + noun + " " + event.assetId() + ")";
    } catch (LakemillException e) {
      return "warning: " + model + "@" + alias + " moved to v" + to + ", but no Airflow " + noun + " event was posted"
          + " for " + uri + ": " + e.getMessage();
    }
  }
}
