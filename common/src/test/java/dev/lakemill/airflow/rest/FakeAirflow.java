package dev.lakemill.airflow.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An in-process Airflow API server for tests, speaking {@code /api/v1} (Airflow 2: basic auth,
 * problem+json errors, page size 100) or {@code /api/v2} (Airflow 3: {@code POST /auth/token} and bearer
 * tokens, {@code {"detail"}} errors, 422 for trigger bodies without {@code logical_date} or with unknown
 * keys, page size 50) as the two OpenAPI specs describe. Runs go queued, then running, then end in the
 * configured state on the N-th poll; runs of a paused DAG stay queued. Failures can be injected: the
 * next K answers with a status (and Retry-After), slow answers, an expired token, a trigger whose answer
 * is lost after the run was created, any canned answer to a given request.
 *
 * <p>Assets: {@link #addAsset} creates one (as a DAG declaring it would); events are posted to
 * {@code POST /api/v2/assets/events} by asset id (found with {@code GET /api/v2/assets?uri_pattern=}, a LIKE
 * pattern) or to {@code POST /api/v1/datasets/events} by URI (404 for an unknown one). Backfills (Airflow 3
 * only): {@code POST /api/v2/backfills} creates one run per day, whose state advances each time it is listed by
 * {@code GET /dags/x/dagRuns}; {@code GET /api/v2/backfills/N} has {@code completed_at} once all ended.
 */
public final class FakeAirflow implements AutoCloseable {
  public static final String USER = "lakemill";
  public static final String PASSWORD = "pa55-w0rd-secret";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_PAGE = 100;
  private static final Set<String> V2_TRIGGER_KEYS = Set.of("conf", "dag_run_id", "data_interval_end",
      "data_interval_start", "logical_date", "note", "partition_key", "run_after");

  static {
    // Without it the server's separate header and body writes meet delayed ACKs: 40ms per request.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final int major;
  private final String api;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();

  // State, guarded by this.
  private final Map<String, Boolean> pausedByDag = new LinkedHashMap<>();
  private final Map<String, Run> runs = new LinkedHashMap<>();
  private final List<ObjectNode> importErrors = new ArrayList<>();
  private final List<String> requests = new ArrayList<>();
  private final List<JsonNode> triggerBodies = new ArrayList<>();
  private final Set<String> tokens = new HashSet<>();
  private final Set<String> expiredTokens = new HashSet<>();
  private final Map<String, Canned> canned = new HashMap<>();
  private final Map<String, Long> assets = new LinkedHashMap<>();
  private final List<ObjectNode> assetEvents = new ArrayList<>();
  private final Map<Long, Backfill> backfills = new LinkedHashMap<>();
  private final List<JsonNode> backfillBodies = new ArrayList<>();
  private final Set<String> failingDates = new HashSet<>();
  private int tokensIssued;
  private int failNext;
  private int failStatus;
  private String retryAfter;
  private int slowNext;
  private long slowMillis;
  private boolean loseNextTrigger;
  private boolean schedulerHealthy = true;
  private String outcome = "success";
  private int finishOnPoll = 3;
  private int tasksPerRun = 3;

  /** A backfill: one run per day from its first to its last date. */
  private record Backfill(long id, String dagId, ObjectNode body, List<Run> runs) {
    boolean finished() {
      return runs.stream().allMatch(r -> r.state().equals("success") || r.state().equals("failed"));
    }
  }

  /** An answer given once, instead of the real one, to a given request. */
  private record Canned(int status, String contentType, String body) {}

  /** A run: its state follows the number of times it was read. */
  private static final class Run {
    final String dagId;
    final String runId;
    final JsonNode conf;
    final String outcome;
    final int finishOnPoll;
    final int tasks;
    final String logicalDate;
    int polls;

    Run(String dagId, String runId, JsonNode conf, String outcome, int finishOnPoll, int tasks) {
      this(dagId, runId, conf, outcome, finishOnPoll, tasks, null);
    }

    Run(String dagId, String runId, JsonNode conf, String outcome, int finishOnPoll, int tasks, String logicalDate) {
      this.dagId = dagId;
      this.runId = runId;
      this.conf = conf;
      this.outcome = outcome;
      this.finishOnPoll = finishOnPoll;
      this.tasks = tasks;
      this.logicalDate = logicalDate;
    }

    String state() {
      return polls <= 1 ? "queued" : polls >= finishOnPoll ? outcome : "running";
    }
  }

  private FakeAirflow(int major) throws IOException {
    this.major = major;
    this.api = major == 2 ? "/api/v1" : "/api/v2";
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** Starts a fake Airflow 2 ({@code major} 2) or Airflow 3 ({@code major} 3) on a free loopback port. */
  public static FakeAirflow start(int major) {
    try {
      return new FakeAirflow(major);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int major() {
    return major;
  }

  /** The server root, e.g. {@code http://127.0.0.1:43121}. */
  public String url() {
    return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
  }

  public synchronized void addDag(String dagId, boolean paused) {
    pausedByDag.put(dagId, paused);
  }

  public synchronized boolean paused(String dagId) {
    return pausedByDag.get(dagId);
  }

  /** A run that exists already, e.g. from an earlier trigger. */
  public synchronized void addRun(String dagId, String runId, Map<String, ?> conf) {
    runs.put(dagId + "/" + runId, new Run(dagId, runId, JSON.valueToTree(conf), outcome, finishOnPoll, tasksPerRun));
  }

  /** Runs triggered from now on end in {@code state} ({@code success} or {@code failed}) on poll {@code n}. */
  public synchronized void runsEnd(String state, int n) {
    outcome = state;
    finishOnPoll = n;
  }

  public synchronized void tasksPerRun(int n) {
    tasksPerRun = n;
  }

  public synchronized void addImportError(String filename, String stackTrace) {
    ObjectNode e = JSON.createObjectNode().put("import_error_id", importErrors.size() + 1)
        .put("filename", filename).put("stack_trace", stackTrace).put("timestamp", "2026-11-26T21:33:02+00:00");
    if (major == 3) {
      e.put("bundle_name", "dags-folder");
    }
    importErrors.add(e);
  }

  public synchronized void schedulerHealthy(boolean healthy) {
    schedulerHealthy = healthy;
  }

  /** The next {@code k} requests answer {@code status}, with a Retry-After header unless it is null. */
  public synchronized void failNext(int k, int status, String retryAfterSeconds) {
    failNext = k;
    failStatus = status;
    retryAfter = retryAfterSeconds;
  }

  /** The next {@code k} requests are answered only after {@code delay}. */
  public synchronized void slowNext(int k, Duration delay) {
    slowNext = k;
    slowMillis = delay.toMillis();
  }

  /**
   * The next {@code request} ({@code "METHOD /raw/path"}) gets this answer instead of the real one, e.g.
   * a proxy's HTML page or a 403.
   */
  public synchronized void answerNext(String request, int status, String contentType, String body) {
    canned.put(request, new Canned(status, contentType, body));
  }

  /** The next trigger creates its run, then answers 503 as if the answer was lost on the way. */
  public synchronized void loseNextTriggerAnswer() {
    loseNextTrigger = true;
  }

  /** Every token issued so far now answers 401 "Token Expired". */
  public synchronized void expireTokens() {
    expiredTokens.addAll(tokens);
    tokens.clear();
  }

  public synchronized int tokensIssued() {
    return tokensIssued;
  }

  /**
   * An asset (a dataset on Airflow 2) with this URI, as a DAG that declares it creates it; returns its id.
   */
  public synchronized long addAsset(String uri) {
    return assets.computeIfAbsent(uri, u -> (long) assets.size() + 1);
  }

  /** Every asset (dataset) event recorded, as {@code {"uri", "extra"}}. */
  public synchronized List<JsonNode> assetEvents() {
    return List.copyOf(assetEvents);
  }

  /** Backfill runs of this logical date ({@code yyyy-MM-dd}) end failed. */
  public synchronized void backfillFailsOn(String date) {
    failingDates.add(date);
  }

  /** The bodies of every backfill request, as sent. */
  public synchronized List<JsonNode> backfillBodies() {
    return List.copyOf(backfillBodies);
  }

  /** The conf Airflow keeps for a run, as it would show it to the run's tasks. */
  public synchronized JsonNode runConf(String dagId, String runId) {
    return runs.get(dagId + "/" + runId).conf;
  }

  /** The bodies of every trigger request, as sent. */
  public synchronized List<JsonNode> triggerBodies() {
    return List.copyOf(triggerBodies);
  }

  /** Every request so far as {@code METHOD /raw/path} (no query). */
  public synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  /** How many requests equal {@code "METHOD /raw/path"}. */
  public synchronized long count(String request) {
    return requests.stream().filter(request::equals).count();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      String path = ex.getRequestURI().getRawPath();
      byte[] body = ex.getRequestBody().readAllBytes();
      long delay;
      synchronized (this) {
        requests.add(method + " " + path);
        delay = slowNext > 0 ? slowMillis : 0;
        slowNext = Math.max(0, slowNext - 1);
      }
      if (delay > 0) {
        try {
          Thread.sleep(delay);
        } catch (InterruptedException e) {
          return;
        }
      }
      synchronized (this) {
        if (failNext > 0) {
          failNext--;
          if (retryAfter != null) {
            ex.getResponseHeaders().set("Retry-After", retryAfter);
          }
          error(ex, failStatus, failStatus == 429 ? "Too Many Requests" : "Service Unavailable", "Injected failure");
          return;
        }
        Canned answer = canned.remove(method + " " + path);
        if (answer != null) {
          byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", answer.contentType());
          ex.sendResponseHeaders(answer.status(), bytes.length);
          ex.getResponseBody().write(bytes);
          return;
        }
        route(ex, method, path, body.length == 0 ? null : JSON.readTree(body));
      }
    }
  }

  private void route(HttpExchange ex, String method, String path, JsonNode body) throws IOException {
    if (path.equals(major == 2 ? "/api/v1/health" : "/api/v2/monitor/health") && method.equals("GET")) {
      send(ex, 200, health());
      return;
    }
    if (major == 3 && path.equals("/auth/token") && method.equals("POST")) {
      token(ex, body);
      return;
    }
    if (!path.startsWith(api + "/")) {
      error(ex, 404, "Not Found", "Not Found");
      return;
    }
    if (!authorized(ex)) {
      return;
    }
    List<String> seg = new ArrayList<>();
    for (String s : path.substring(api.length() + 1).split("/")) {
      seg.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
    }
    Map<String, String> query = query(ex.getRequestURI().getRawQuery());
    String route = method + " " + shape(seg);
    boolean onlyV2 = seg.get(0).equals("assets") || seg.get(0).equals("backfills");
    if ((major == 2 && onlyV2) || (major == 3 && seg.get(0).equals("datasets"))) {
      error(ex, 404, "Not Found", "Not Found");
      return;
    }
    switch (route) {
      case "GET dags/*" -> dag(ex, seg.get(1), null);
      case "PATCH dags/*" -> dag(ex, seg.get(1), body);
      case "POST dags/*/dagRuns" -> trigger(ex, seg.get(1), body);
      case "GET dags/*/dagRuns/*" -> run(ex, seg.get(1), seg.get(3), true);
      case "GET dags/*/dagRuns/*/taskInstances" -> taskInstances(ex, seg.get(1), seg.get(3), query);
      case "GET dags/*/dagRuns" -> runs(ex, seg.get(1), query);
      case "GET importErrors" -> send(ex, 200, page(importErrors, "import_errors", query));
      case "GET assets" -> listAssets(ex, query);
      case "POST assets/*" -> assetEvent(ex, seg.get(1), body);
      case "POST datasets/*" -> datasetEvent(ex, seg.get(1), body);
      case "POST backfills" -> createBackfill(ex, body);
      case "GET backfills/*" -> backfill(ex, seg.get(1));
      default -> error(ex, 404, "Not Found", "Not Found");
    }
  }

  /** {@code dags/x/dagRuns/y} becomes {@code dags/ * /dagRuns/ *} (without spaces). */
  private static String shape(List<String> seg) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < seg.size(); i++) {
      s.append(i > 0 ? "/" : "").append(i % 2 == 1 ? "*" : seg.get(i));
    }
    return s.toString();
  }

  private boolean authorized(HttpExchange ex) throws IOException {
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (major == 2) {
      String expected = "Basic " + Base64.getEncoder().encodeToString(
          (USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
      if (!expected.equals(auth)) {
        error(ex, 401, "Unauthorized", "The server could not verify that you are authorized to access the URL"
            + " requested. You either supplied the wrong credentials (e.g. a bad password), or your browser doesn't"
            + " understand how to supply the credentials required.");
        return false;
      }
      return true;
    }
    String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
    if (token == null || !tokens.contains(token)) {
      error(ex, 401, "Unauthorized", token == null ? "Not authenticated"
          : expiredTokens.contains(token) ? "Token Expired" : "Invalid JWT token");
      return false;
    }
    return true;
  }

  private void token(HttpExchange ex, JsonNode body) throws IOException {
    if (body == null || !USER.equals(body.path("username").asText()) || !PASSWORD.equals(body.path("password").asText())) {
      error(ex, 401, "Unauthorized", "Invalid credentials");
      return;
    }
    String token = "jwt-" + (++tokensIssued);
    tokens.add(token);
    send(ex, 201, JSON.createObjectNode().put("access_token", token));
  }

  private ObjectNode health() {
    ObjectNode h = JSON.createObjectNode();
    h.putObject("metadatabase").put("status", "healthy");
    h.putObject("scheduler").put("status", schedulerHealthy ? "healthy" : "unhealthy")
        .put("latest_scheduler_heartbeat", "2026-11-26T21:33:02.123456+00:00");
    h.putObject("triggerer").put("status", "healthy").put("latest_triggerer_heartbeat", "2026-11-26T21:33:01+00:00");
    h.putObject("dag_processor").putNull("status").putNull("latest_dag_processor_heartbeat");
    return h;
  }

  private void dag(HttpExchange ex, String dagId, JsonNode patch) throws IOException {
    if (!pausedByDag.containsKey(dagId)) {
      notFound(ex, "DAG with dag_id: '" + dagId + "' not found", "The Dag with ID: `" + dagId + "` was not found");
      return;
    }
    if (patch != null) {
      if (!patch.path("is_paused").isBoolean()) {
        validation(ex, "is_paused", "missing", "Field required");
        return;
      }
      pausedByDag.put(dagId, patch.get("is_paused").asBoolean());
    }
    ObjectNode d = JSON.createObjectNode().put("dag_id", dagId).put("is_paused", pausedByDag.get(dagId))
        .put("fileloc", "/opt/airflow/dags/" + dagId + ".py").put("has_import_errors", false)
        .put("file_token", "Ii9vcHQvYWlyZmxvdy9kYWdzIg.token");
    d.putArray("owners").add("lakemill");
    d.putArray("tags");
    if (major == 2) {
      d.put("is_active", true).put("default_view", "grid");
    } else {
      d.put("dag_display_name", dagId).put("is_stale", false).put("timetable_partitioned", false)
          .put("max_active_tasks", 16).put("max_consecutive_failed_dag_runs", 0);
    }
    send(ex, 200, d);
  }

  private void trigger(HttpExchange ex, String dagId, JsonNode body) throws IOException {
    if (!pausedByDag.containsKey(dagId)) {
      notFound(ex, "DAG with dag_id: '" + dagId + "' not found", "The Dag with ID: `" + dagId + "` was not found");
      return;
    }
    ObjectNode b = body == null ? JSON.createObjectNode() : (ObjectNode) body;
    triggerBodies.add(b.deepCopy());
    if (major == 3) {
      for (String key : (Iterable<String>) b::fieldNames) {
        if (!V2_TRIGGER_KEYS.contains(key)) {
          validation(ex, key, "extra_forbidden", "Extra inputs are not permitted");
          return;
        }
      }
      if (!b.has("logical_date")) {
        validation(ex, "logical_date", "missing", "Field required");
        return;
      }
    }
    String runId = b.hasNonNull("dag_run_id") ? b.get("dag_run_id").asText() : "manual__2026-11-26T21:33:02+00:00";
    if (runs.containsKey(dagId + "/" + runId)) {
      if (major == 2) {
        error(ex, 409, "Conflict", "DAGRun with DAG ID: '" + dagId + "' and DAGRun ID: '" + runId + "' already exists");
      } else {
        ObjectNode d = JSON.createObjectNode().put("reason", "Unique constraint violation")
            .put("statement", "INSERT INTO dag_run (dag_id, run_id, ...) VALUES (?, ?, ...)")
            .put("orig_error", "UNIQUE constraint failed: dag_run.dag_id, dag_run.run_id");
        sendDetail(ex, 409, d);
      }
      return;
    }
    JsonNode conf = b.path("conf").isObject() ? b.get("conf") : JSON.createObjectNode();
    Run run = new Run(dagId, runId, conf, outcome, finishOnPoll, tasksPerRun);
    runs.put(dagId + "/" + runId, run);
    if (loseNextTrigger) {
      loseNextTrigger = false;
      error(ex, 503, "Service Unavailable", "upstream connect error or disconnect/reset before headers");
      return;
    }
    send(ex, 200, runJson(run));
  }

  private void run(HttpExchange ex, String dagId, String runId, boolean poll) throws IOException {
    Run run = runs.get(dagId + "/" + runId);
    if (run == null) {
      notFound(ex, "DAGRun with DAG ID: '" + dagId + "' and DagRun ID: '" + runId + "' not found",
          "The DagRun with dag_id: `" + dagId + "` and run_id: `" + runId + "` was not found");
      return;
    }
    if (poll && !pausedByDag.get(dagId)) {
      run.polls++;
    }
    send(ex, 200, runJson(run));
  }

  private ObjectNode runJson(Run run) {
    String state = run.state();
    boolean done = state.equals("success") || state.equals("failed");
    ObjectNode r = JSON.createObjectNode().put("dag_id", run.dagId).put("dag_run_id", run.runId).put("state", state)
        .put("run_type", "manual").put("start_date", run.polls > 1 ? "2026-11-26T21:33:05+00:00" : null)
        .put("end_date", done ? "2026-11-26T21:35:07.250000+00:00" : null).putNull("note")
        .putNull("data_interval_start").putNull("data_interval_end").putNull("last_scheduling_decision");
    r.set("conf", run.conf);
    if (run.logicalDate != null) {
      r.put("run_type", "backfill").put("logical_date", run.logicalDate + "T00:00:00+00:00")
          .put("run_after", run.logicalDate + "T00:00:00+00:00").put("triggered_by", "backfill")
          .put("dag_display_name", run.dagId).putNull("queued_at");
      return r;
    }
    if (major == 2) {
      r.put("logical_date", "2026-11-26T21:33:02+00:00").put("execution_date", "2026-11-26T21:33:02+00:00")
          .put("external_trigger", true);
    } else {
      r.putNull("logical_date").put("run_after", "2026-11-26T21:33:02+00:00").put("triggered_by", "rest_api")
          .put("dag_display_name", run.dagId).put("queued_at", "2026-11-26T21:33:02+00:00");
      r.putArray("dag_versions").addObject().put("version_number", 1).put("dag_id", run.dagId);
    }
    return r;
  }

  private void taskInstances(HttpExchange ex, String dagId, String runId, Map<String, String> query)
      throws IOException {
    Run run = runs.get(dagId + "/" + runId);
    if (run == null) {
      run(ex, dagId, runId, false);
      return;
    }
    String state = run.state();
    List<ObjectNode> tasks = new ArrayList<>();
    for (int i = 0; i < run.tasks; i++) {
      String s = switch (state) {
        case "success" -> "success";
        case "failed" -> i == 0 ? "failed" : "upstream_failed";
        case "running" -> i == 0 ? "running" : null;
        default -> null;
      };
      tasks.add(JSON.createObjectNode().put("task_id", String.format("task_%03d", i)).put("dag_id", dagId)
          .put("dag_run_id", runId).put("map_index", -1).put("state", s).put("try_number", s == null ? 0 : 1)
          .put("operator", "SparkSubmitOperator"));
    }
    send(ex, 200, page(tasks, "task_instances", query));
  }

  /** {@code GET dags/x/dagRuns}: filters run_type and logical_date_gte/lte; every listed run is polled once. */
  private void runs(HttpExchange ex, String dagId, Map<String, String> query) throws IOException {
    if (!pausedByDag.containsKey(dagId)) {
      notFound(ex, "DAG with dag_id: '" + dagId + "' not found", "The Dag with ID: `" + dagId + "` was not found");
      return;
    }
    String type = query.get("run_type");
    String from = query.get("logical_date_gte");
    String to = query.get("logical_date_lte");
    List<ObjectNode> listed = new ArrayList<>();
    for (Run run : runs.values()) {
      boolean backfill = run.logicalDate != null;
      String day = run.logicalDate;
      if (!run.dagId.equals(dagId) || (type != null && !type.equals(backfill ? "backfill" : "manual"))
          || (from != null && (day == null || day.compareTo(from.substring(0, 10)) < 0))
          || (to != null && (day == null || day.compareTo(to.substring(0, 10)) > 0))) {
        continue;
      }
      run.polls++;
      listed.add(runJson(run));
    }
    send(ex, 200, page(listed, "dag_runs", query));
  }

  private void listAssets(HttpExchange ex, Map<String, String> query) throws IOException {
    String like = query.getOrDefault("uri_pattern", "%");
    String regex = like.chars().mapToObj(c -> c == '%' ? ".*" : c == '_' ? "." : java.util.regex.Pattern.quote(
        String.valueOf((char) c))).reduce("", String::concat);
    List<ObjectNode> found = new ArrayList<>();
    assets.forEach((uri, id) -> {
      if (uri.matches(regex)) {
        ObjectNode a = JSON.createObjectNode().put("id", id).put("name", uri).put("uri", uri).put("group", "asset")
            .put("created_at", "2026-11-26T21:00:00+00:00").put("updated_at", "2026-11-26T21:00:00+00:00");
        for (String list : List.of("scheduled_dags", "producing_tasks", "consuming_tasks", "aliases", "watchers")) {
          a.putArray(list);
        }
        found.add(a);
      }
    });
    send(ex, 200, page(found, "assets", query));
  }

  private void assetEvent(HttpExchange ex, String what, JsonNode body) throws IOException {
    if (!what.equals("events")) {
      error(ex, 405, "Method Not Allowed", "Method Not Allowed");
      return;
    }
    ObjectNode b = body == null ? JSON.createObjectNode() : (ObjectNode) body;
    for (String key : (Iterable<String>) b::fieldNames) {
      if (!Set.of("asset_id", "extra", "partition_key").contains(key)) {
        validation(ex, key, "extra_forbidden", "Extra inputs are not permitted");
        return;
      }
    }
    if (!b.path("asset_id").canConvertToLong()) {
      validation(ex, "asset_id", "missing", "Field required");
      return;
    }
    long id = b.get("asset_id").asLong();
    String uri = assets.entrySet().stream().filter(e -> e.getValue() == id).map(Map.Entry::getKey).findFirst()
        .orElse(null);
    if (uri == null) {
      error(ex, 404, "Not Found", "Asset with ID: `" + id + "` was not found");
      return;
    }
    ObjectNode event = recordEvent(uri, b.path("extra"));
    ObjectNode r = JSON.createObjectNode().put("id", assetEvents.size()).put("asset_id", id).put("uri", uri)
        .put("name", uri).put("group", "asset").put("source_map_index", -1).putNull("source_dag_id")
        .putNull("source_task_id").putNull("source_run_id").put("timestamp", "2026-11-26T21:40:00+00:00");
    r.set("extra", event.get("extra"));
    r.putArray("created_dagruns");
    send(ex, 200, r);
  }

  private void datasetEvent(HttpExchange ex, String what, JsonNode body) throws IOException {
    if (!what.equals("events")) {
      error(ex, 405, "Method Not Allowed", "Method Not Allowed");
      return;
    }
    if (body == null || !body.path("dataset_uri").isTextual()) {
      error(ex, 400, "Bad Request", "'dataset_uri' is a required property");
      return;
    }
    String uri = body.get("dataset_uri").asText();
    if (!assets.containsKey(uri)) {
      error(ex, 404, "Dataset not found", "Dataset with uri: '" + uri + "' not found");
      return;
    }
    ObjectNode event = recordEvent(uri, body.path("extra"));
    ObjectNode r = JSON.createObjectNode().put("dataset_id", assets.get(uri)).put("dataset_uri", uri)
        .putNull("source_dag_id").putNull("source_task_id").putNull("source_run_id").put("source_map_index", -1)
        .put("timestamp", "2026-11-26T21:40:00+00:00");
    r.set("extra", event.get("extra"));
    r.putArray("created_dagruns");
    send(ex, 200, r);
  }

  private ObjectNode recordEvent(String uri, JsonNode extra) {
    ObjectNode event = JSON.createObjectNode().put("uri", uri);
    event.set("extra", extra.isObject() ? extra : JSON.createObjectNode());
    assetEvents.add(event);
    return event;
  }

  private static final Set<String> BACKFILL_KEYS = Set.of("dag_id", "from_date", "to_date", "run_backwards",
      "dag_run_conf", "reprocess_behavior", "max_active_runs", "run_on_latest_version");

  /** {@code POST backfills}: one run per day from from_date to to_date; 409 while the DAG has one running. */
  private void createBackfill(HttpExchange ex, JsonNode body) throws IOException {
    ObjectNode b = body == null ? JSON.createObjectNode() : (ObjectNode) body;
    backfillBodies.add(b.deepCopy());
    for (String key : (Iterable<String>) b::fieldNames) {
      if (!BACKFILL_KEYS.contains(key)) {
        validation(ex, key, "extra_forbidden", "Extra inputs are not permitted");
        return;
      }
    }
    for (String key : List.of("dag_id", "from_date", "to_date")) {
      if (!b.path(key).isTextual()) {
        validation(ex, key, "missing", "Field required");
        return;
      }
    }
    String dagId = b.get("dag_id").asText();
    if (!pausedByDag.containsKey(dagId)) {
      notFound(ex, "", "Could not find dag " + dagId);
      return;
    }
    if (backfills.values().stream().anyMatch(f -> f.dagId().equals(dagId) && !f.finished())) {
      error(ex, 409, "Conflict", "There is already a running backfill for dag " + dagId);
      return;
    }
    java.time.LocalDate from = java.time.OffsetDateTime.parse(b.get("from_date").asText()).toLocalDate();
    java.time.LocalDate to = java.time.OffsetDateTime.parse(b.get("to_date").asText()).toLocalDate();
    if (from.isAfter(to)) {
      validation(ex, "from_date", "value_error", "from_date must be <= to_date");
      return;
    }
    JsonNode conf = b.path("dag_run_conf").isObject() ? b.get("dag_run_conf") : JSON.createObjectNode();
    List<Run> created = new ArrayList<>();
    for (java.time.LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      String runId = "backfill__" + d + "T00:00:00+00:00";
      Run run = new Run(dagId, runId, conf, failingDates.contains(d.toString()) ? "failed" : outcome, finishOnPoll,
          tasksPerRun, d.toString());
      runs.put(dagId + "/" + runId, run);
      created.add(run);
    }
    Backfill backfill = new Backfill(backfills.size() + 1, dagId, b, created);
    backfills.put(backfill.id(), backfill);
    send(ex, 200, backfillJson(backfill));
  }

  private void backfill(HttpExchange ex, String id) throws IOException {
    Backfill backfill = id.matches("\\d{1,9}") ? backfills.get(Long.parseLong(id)) : null;
    if (backfill == null) {
      error(ex, 404, "Not Found", "Backfill with id " + id + " not found");
      return;
    }
    send(ex, 200, backfillJson(backfill));
  }

  private ObjectNode backfillJson(Backfill f) {
    ObjectNode r = JSON.createObjectNode().put("id", f.id()).put("dag_id", f.dagId())
        .put("from_date", f.body().get("from_date").asText()).put("to_date", f.body().get("to_date").asText())
        .put("is_paused", false).put("reprocess_behavior", f.body().path("reprocess_behavior").asText("none"))
        .put("max_active_runs", f.body().path("max_active_runs").asInt(10))
        .put("created_at", "2026-11-26T21:40:00+00:00").put("updated_at", "2026-11-26T21:40:00+00:00")
        .put("completed_at", f.finished() ? "2026-11-26T21:50:00+00:00" : null).put("dag_display_name", f.dagId());
    r.set("dag_run_conf", f.body().path("dag_run_conf").isObject() ? f.body().get("dag_run_conf") : JSON.createObjectNode());
    return r;
  }

  private ObjectNode page(List<ObjectNode> items, String field, Map<String, String> query) {
    int limit = Math.min(MAX_PAGE, Integer.parseInt(query.getOrDefault("limit", major == 2 ? "100" : "50")));
    int offset = Integer.parseInt(query.getOrDefault("offset", "0"));
    ObjectNode page = JSON.createObjectNode();
    ArrayNode array = page.putArray(field);
    items.stream().skip(offset).limit(limit).forEach(array::add);
    page.put("total_entries", items.size());
    return page;
  }

  private void notFound(HttpExchange ex, String v1Detail, String v2Detail) throws IOException {
    error(ex, 404, "Not Found", major == 2 ? v1Detail : v2Detail);
  }

  private void validation(HttpExchange ex, String field, String type, String msg) throws IOException {
    if (major == 2) {
      error(ex, 400, "Bad Request", "{'" + field + "': ['" + msg + "']}");
      return;
    }
    ArrayNode detail = JSON.createArrayNode();
    ObjectNode item = detail.addObject().put("type", type).put("msg", msg);
    item.putArray("loc").add("body").add(field);
    sendDetail(ex, 422, detail);
  }

  /** problem+json on Airflow 2, {"detail": "..."} on Airflow 3. */
  private void error(HttpExchange ex, int status, String title, String detail) throws IOException {
    if (major == 2) {
      ObjectNode p = JSON.createObjectNode().put("detail", detail).put("status", status).put("title", title)
          .put("type", "https://airflow.apache.org/docs/apache-airflow/2.10.5/stable-rest-api-ref.html#section/Errors/"
              + title.replace(" ", ""));
      write(ex, status, "application/problem+json", p);
    } else {
      sendDetail(ex, status, JSON.getNodeFactory().textNode(detail));
    }
  }

  private void sendDetail(HttpExchange ex, int status, JsonNode detail) throws IOException {
    ObjectNode d = JSON.createObjectNode();
    d.set("detail", detail);
    write(ex, status, "application/json", d);
  }

  private void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    write(ex, status, "application/json", body);
  }

  private static void write(HttpExchange ex, int status, String type, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return q;
  }
}
