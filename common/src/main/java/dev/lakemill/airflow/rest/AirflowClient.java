package dev.lakemill.airflow.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakemill.load.PipelineFiles;
import dev.lakemill.settings.AirflowCredentials;
import dev.lakemill.settings.AirflowSettings;
import dev.lakemill.settings.AirflowVersion;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A client of Airflow's REST API, version 2 ({@code /api/v1}) or 3 ({@code /api/v2}): health, DAGs,
 * pause and unpause, trigger, runs, task instances and import errors.
 *
 * <p>Triggering is safe to retry: every run gets its own run id ({@link AirflowIds#newRunId}), and a 409
 * for that id is accepted when the existing run has the same conf (an earlier attempt whose answer was
 * lost). A paused DAG fails the trigger with {@link AirflowException.Failure#DAG_PAUSED} unless the caller
 * asks to unpause it, because a run on a paused DAG stays queued forever. Every failure is an
 * {@link AirflowException}.
 */
public final class AirflowClient {
  /** Airflow 3's token endpoint, under the server root rather than the API. */
  static final String TOKEN_PATH = "/auth/token";

  private static final Comparator<JsonNode> SAME_NUMBERS = (a, b) -> {
    if (a.equals(b)) {
      return 0;
    }
    return a.isNumber() && b.isNumber() ? a.decimalValue().compareTo(b.decimalValue()) : 1;
  };

  private final AirflowSettings settings;
  private final AirflowHttp http;
  private final String api;

  public AirflowClient(AirflowSettings settings, AirflowCredentials credentials) {
    this(settings, credentials, d -> Thread.sleep(d.toMillis()));
  }

  /**
   * A client for environment {@code env} of {@code confDir} when it has Airflow credentials (environment
   * variables or the configured credentials file); empty otherwise. {@code confDir} is a local folder
   * or a URI that {@code files} reads.
   */
  public static Optional<AirflowClient> configured(String confDir, String env, Map<String, String> environment,
      PipelineFiles files) {
    AirflowSettings settings = AirflowSettings.load(confDir, env, Map.of(), files);
    AirflowCredentials credentials = AirflowCredentials.resolve(environment, settings.credentialsFile());
    return credentials.isNone() ? Optional.empty() : Optional.of(new AirflowClient(settings, credentials));
  }

  AirflowClient(AirflowSettings settings, AirflowCredentials credentials, AirflowHttp.Sleeper sleeper) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.http = new AirflowHttp(settings, Objects.requireNonNull(credentials, "credentials"), sleeper);
    this.api = settings.version().apiBase();
  }

  public AirflowSettings settings() {
    return settings;
  }

  /** The health endpoint (no credentials needed). */
  public AirflowHealth health() {
    return AirflowHealth.from(http.callAnonymously("GET", settings.version().healthPath(), null));
  }

  public DagInfo dag(String dagId) {
    return DagInfo.from(http.call("GET", dagPath(dagId), null));
  }

  /** Pauses or unpauses a DAG and returns it as it is now. */
  public DagInfo setPaused(String dagId, boolean paused) {
    ObjectNode body = Json.MAPPER.createObjectNode().put("is_paused", paused);
    return DagInfo.from(http.call("PATCH", dagPath(dagId) + "?update_mask=is_paused", body));
  }

  /** Triggers a run with a new lakemill run id; see {@link #trigger(String, String, Map, boolean)}. */
  public DagRun trigger(String dagId, Map<String, ?> conf, boolean unpause) {
    return trigger(dagId, AirflowIds.newRunId(Instant.now()), conf, unpause);
  }

  /**
   * Triggers a run of {@code dagId} with run id {@code runId} and {@code conf}. Checks first that the DAG
   * is not paused; with {@code unpause} a paused DAG is unpaused first. A null {@code conf} is sent as
   * an empty object.
   *
   * @throws AirflowException of kind DAG_PAUSED, RUN_CONFLICT (the run id exists with another conf), or
   *     any failure of the calls
   * @throws IllegalArgumentException for a run id Airflow would reject
   */
  public DagRun trigger(String dagId, String runId, Map<String, ?> conf, boolean unpause) {
    AirflowIds.checkRunId(runId);
    conf = conf == null ? Map.of() : conf;
    if (dag(dagId).paused()) {
      if (!unpause) {
        throw AirflowErrors.paused(dagId);
      }
      setPaused(dagId, false);
    }
    ObjectNode body = Json.MAPPER.createObjectNode().put("dag_run_id", runId);
    if (settings.version() == AirflowVersion.AIRFLOW_3) {
      body.putNull("logical_date");
    }
    body.set("conf", Json.MAPPER.valueToTree(conf));
    try {
      return DagRun.from(http.call("POST", dagPath(dagId) + "/dagRuns", body));
    } catch (AirflowException e) {
      if (e.failure() != AirflowException.Failure.HTTP || e.status() != 409) {
        throw e;
      }
      return existingTwin(dagId, runId, conf, e);
    }
  }

  /** After a 409: the run with our id, if it carries our conf (an earlier attempt of ours succeeded). */
  private DagRun existingTwin(String dagId, String runId, Map<String, ?> conf, AirflowException conflict) {
    DagRun existing;
    try {
      existing = run(dagId, runId);
    } catch (AirflowException e) {
      if (e.failure() == AirflowException.Failure.HTTP && e.status() == 404) {
        throw AirflowErrors.duplicateWithoutRun(conflict.getMessage(), dagId, runId);
      }
      throw e;
    }
    JsonNode theirs = Json.MAPPER.valueToTree(existing.conf());
    if (theirs.equals(SAME_NUMBERS, Json.MAPPER.valueToTree(conf))) {
      return existing;
    }
    throw AirflowErrors.conflict(dagId, runId, existing.conf(), Json.MAPPER.convertValue(conf, Map.class));
  }

  public DagRun run(String dagId, String runId) {
    return DagRun.from(http.call("GET", runPath(dagId, runId), null));
  }

  /** Every task instance of a run, reading all pages. */
  public List<TaskInstance> taskInstances(String dagId, String runId) {
    List<TaskInstance> tasks = new ArrayList<>();
    for (JsonNode n : pages(runPath(dagId, runId) + "/taskInstances", "task_instances")) {
      tasks.add(TaskInstance.from(n));
    }
    return tasks;
  }

  /**
   * Records an update of the asset {@code uri} (a dataset on Airflow 2), so that DAGs scheduled on it run.
   * Airflow 3 posts to {@code /assets/events} with the id of the asset whose URI is {@code uri}; Airflow 2
   * (2.9 and later) posts the URI to {@code /datasets/events}. Either way the asset must exist: a DAG must
   * declare it (as an outlet or in its schedule).
   *
   * @param extra stored with the event and shown to the runs it triggers
   * @throws AirflowException of kind UNKNOWN_ASSET when Airflow has no asset with that URI, or any failure of
   *     the calls
   */
  public AssetEvent postAssetEvent(String uri, Map<String, ?> extra) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    if (settings.version() == AirflowVersion.AIRFLOW_2) {
      body.put("dataset_uri", uri).set("extra", Json.MAPPER.valueToTree(extra));
      try {
        return AssetEvent.from(uri, http.call("POST", api + "/datasets/events", body));
      } catch (AirflowException e) {
        if (e.failure() == AirflowException.Failure.HTTP && e.status() == 404) {
          throw AirflowErrors.unknownAsset(uri, settings.version());
        }
        throw e;
      }
    }
    body.put("asset_id", assetId(uri)).set("extra", Json.MAPPER.valueToTree(extra));
    return AssetEvent.from(uri, http.call("POST", api + "/assets/events", body));
  }

  /** The id of the Airflow 3 asset whose URI is exactly {@code uri}. */
  private long assetId(String uri) {
    String path = api + "/assets?uri_pattern=" + URLEncoder.encode(uri, StandardCharsets.UTF_8) + "&limit="
        + settings.version().pageSize();
    JsonNode page = http.call("GET", path, null);
    if (!page.path("assets").isArray()) {
      throw AirflowErrors.badResponse("GET", path, 200, page.toString());
    }
    // uri_pattern is a SQL LIKE pattern, in which _ matches any character: keep the exact URI only.
    for (JsonNode asset : page.get("assets")) {
      if (uri.equals(asset.path("uri").asText()) && asset.path("id").canConvertToLong()) {
        return asset.get("id").asLong();
      }
    }
    throw AirflowErrors.unknownAsset(uri, settings.version());
  }

  /**
   * Creates an Airflow 3 backfill of {@code dagId} for the logical dates from {@code from} to {@code to}
   * (both included) through {@code POST /backfills}; Airflow 2's API has none.
   *
   * @param conf every run's conf ({@code dag_run_conf})
   * @param reprocess {@code none} (dates that have a run are skipped), {@code failed} or {@code completed}
   * @throws AirflowException of kind NO_BACKFILL on Airflow 2, or any failure of the call (409: the DAG has
   *     a backfill running)
   */
  public Backfill createBackfill(String dagId, LocalDate from, LocalDate to, Map<String, ?> conf, String reprocess,
      int maxActiveRuns, boolean runBackwards) {
    if (settings.version() == AirflowVersion.AIRFLOW_2) {
      throw AirflowErrors.noBackfill(dagId, from, to, conf);
    }
    ObjectNode body = Json.MAPPER.createObjectNode().put("dag_id", dagId)
        .put("from_date", from + "T00:00:00Z").put("to_date", to + "T00:00:00Z")
        .put("run_backwards", runBackwards).put("reprocess_behavior", reprocess).put("max_active_runs", maxActiveRuns);
    body.set("dag_run_conf", Json.MAPPER.valueToTree(conf == null ? Map.of() : conf));
    return Backfill.from(http.call("POST", api + "/backfills", body));
  }

  public Backfill backfill(long id) {
    return Backfill.from(http.call("GET", api + "/backfills/" + id, null));
  }

  /** The backfill runs of the backfill's DAG with logical dates in its range, reading all pages. */
  public List<DagRun> backfillRuns(Backfill backfill) {
    List<DagRun> runs = new ArrayList<>();
    String path = dagPath(backfill.dagId()) + "/dagRuns?run_type=backfill&logical_date_gte="
        + query(backfill.fromDate().toString()) + "&logical_date_lte=" + query(backfill.toDate().toString())
        + "&order_by=logical_date";
    for (JsonNode n : pages(path, "dag_runs")) {
      runs.add(DagRun.from(n));
    }
    return runs;
  }

  /**
   * Polls a backfill and its runs until Airflow marks it complete and every run has ended, with the
   * backoff of {@link #waitFor}.
   *
   * @param onProgress called with the runs whenever one more has ended, the first poll included
   * @return the runs at the end, succeeded or failed
   * @throws AirflowException of kind WAIT_TIMEOUT when it has not finished after {@code timeout}
   */
  public List<DagRun> follow(Backfill backfill, Duration timeout, Consumer<List<DagRun>> onProgress) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Duration interval = settings.pollInterval();
    long seen = -1;
    while (true) {
      List<DagRun> runs = backfillRuns(backfill);
      long ended = runs.stream().filter(DagRun::finished).count();
      if (ended != seen) {
        seen = ended;
        onProgress.accept(runs);
      }
      if (ended == runs.size() && backfill(backfill.id()).completed()) {
        return runs;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw AirflowErrors.backfillTimeout(backfill, runs, timeout);
      }
      http.sleep(min(interval, Duration.ofNanos(left)), "following backfill " + backfill.id());
      interval = min(interval.multipliedBy(2), settings.maxPollInterval());
    }
  }

  /**
   * {@link #follow}, then fails unless every run succeeded.
   *
   * @throws AirflowException of kind RUN_FAILED naming the dates whose runs failed
   */
  public List<DagRun> followToSuccess(Backfill backfill, Duration timeout, Consumer<List<DagRun>> onProgress) {
    List<DagRun> runs = follow(backfill, timeout, onProgress);
    if (!runs.stream().allMatch(DagRun::succeeded)) {
      throw AirflowErrors.backfillFailed(backfill, runs);
    }
    return runs;
  }

  /** Every DAG file Airflow could not parse, reading all pages. */
  public List<DagImportError> importErrors() {
    List<DagImportError> errors = new ArrayList<>();
    for (JsonNode n : pages(api + "/importErrors", "import_errors")) {
      errors.add(DagImportError.from(n));
    }
    return errors;
  }

  /**
   * Polls a run until it is {@code success} or {@code failed}, starting at {@code poll-interval} and
   * doubling up to {@code max-poll-interval}.
   *
   * @param onChange called with the run whenever its state changes, the first poll included
   * @return the finished run, succeeded or failed
   * @throws AirflowException of kind WAIT_TIMEOUT when it has not finished after {@code timeout}
   */
  public DagRun waitFor(String dagId, String runId, Duration timeout, Consumer<DagRun> onChange) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Duration interval = settings.pollInterval();
    String seen = null;
    while (true) {
      DagRun run = run(dagId, runId);
      if (!Objects.equals(run.state(), seen)) {
        seen = run.state();
        onChange.accept(run);
      }
      if (run.finished()) {
        return run;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw AirflowErrors.waitTimeout(run, timeout);
      }
      http.sleep(min(interval, Duration.ofNanos(left)), "waiting for run " + runId);
      interval = min(interval.multipliedBy(2), settings.maxPollInterval());
    }
  }

  /**
   * {@link #waitFor}, then fails unless the run succeeded.
   *
   * @throws AirflowException of kind RUN_FAILED naming the failed tasks
   */
  public DagRun waitForSuccess(String dagId, String runId, Duration timeout, Consumer<DagRun> onChange) {
    DagRun run = waitFor(dagId, runId, timeout, onChange);
    if (!run.succeeded()) {
      throw AirflowErrors.runFailed(run, taskInstances(dagId, runId));
    }
    return run;
  }

  private List<JsonNode> pages(String path, String field) {
    List<JsonNode> items = new ArrayList<>();
    int limit = settings.version().pageSize();
    while (true) {
      String pagePath = path + (path.contains("?") ? "&" : "?") + "limit=" + limit + "&offset=" + items.size();
      JsonNode page = http.call("GET", pagePath, null);
      JsonNode batch = page.path(field);
      if (!batch.isArray()) {
        throw AirflowErrors.badResponse("GET", pagePath, 200, page.toString());
      }
      batch.forEach(items::add);
      long total = page.path("total_entries").asLong(-1);
      if (batch.isEmpty() || total < 0 || items.size() >= total) {
        return items;
      }
    }
  }

  private String dagPath(String dagId) {
    return api + "/dags/" + segment(dagId);
  }

  private String runPath(String dagId, String runId) {
    return dagPath(dagId) + "/dagRuns/" + segment(runId);
  }

  /** Percent-encodes one path segment (a space becomes %20, a slash %2F). */
  static String segment(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
