package dev.lakemill.airflow.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakemill.error.LakemillException;
import dev.lakemill.settings.AirflowCredentials;
import dev.lakemill.settings.AirflowVersion;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every message of a failed Airflow call, in one place. Policy: say what failed with the HTTP method,
 * path and status, quote Airflow's own explanation (problem+json {@code title}/{@code detail} on Airflow
 * 2, {@code detail} as text, object or validation list on Airflow 3), then how to fix it. Messages name
 * where credentials came from, never the credentials.
 */
final class AirflowErrors {
  private static final ObjectMapper MAPPER = Json.MAPPER;
  private static final int SNIPPET = 300;

  private AirflowErrors() {}

  static AirflowException http(String method, String path, int status, String body, AirflowCredentials credentials) {
    String detail = detail(body);
    String message = "Airflow " + method + " " + path + " failed with HTTP " + status
        + (detail.isEmpty() ? "" : ": " + detail) + hint(path, status, credentials);
    return new AirflowException(AirflowException.Failure.HTTP, status, message, null);
  }

  private static String hint(String path, int status, AirflowCredentials credentials) {
    if (status == 401 && credentials.isNone()) {
      return "; give credentials: set " + AirflowCredentials.USERNAME_VAR + " and " + AirflowCredentials.PASSWORD_VAR
          + " (or " + AirflowCredentials.TOKEN_VAR + "), or name a credentials file in lakemill.airflow.credentials-file";
    }
    if (status == 401 || (status == 403 && path.equals(AirflowClient.TOKEN_PATH))) {
      return "; Airflow rejected the credentials from " + credentials.source() + ": check them";
    }
    if (status == 403) {
      return "; the user from " + credentials.source() + " lacks the permission for this call";
    }
    if (status == 404) {
      return "; check the DAG id and run id (a new DAG exists only once the DAG processor has parsed its file:"
          + " see lakemill airflow import-errors)";
    }
    return "";
  }

  static AirflowException io(String method, URI root, String path, int attempts, IOException e) {
    if (e instanceof HttpTimeoutException && !(e instanceof HttpConnectTimeoutException)) {
      return new AirflowException(AirflowException.Failure.TIMEOUT, 0, "Airflow did not answer " + method + " " + path
          + " in time (" + attempts(attempts) + "); raise lakemill.airflow.request-timeout or check the load of the"
          + " API server at " + root, e);
    }
    return new AirflowException(AirflowException.Failure.UNREACHABLE, 0, "Cannot reach Airflow at " + root + " for "
        + method + " " + path + ": " + reason(e) + " (" + attempts(attempts) + "); check lakemill.airflow.url"
        + " (or --airflow-url) and that the API server is running", e);
  }

  private static String reason(IOException e) {
    if (e instanceof HttpConnectTimeoutException) {
      return "connect timed out";
    }
    String message = e.getClass().getSimpleName();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return "connection refused";
      }
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return "unknown host";
      }
      message = t.getMessage() != null ? t.getMessage() : message;
    }
    return message;
  }

  private static String attempts(int n) {
    return n == 1 ? "1 attempt" : n + " attempts";
  }

  static AirflowException badResponse(String method, String path, int status, String body) {
    return new AirflowException(AirflowException.Failure.BAD_RESPONSE, status, "Airflow answered " + method + " "
        + path + " with HTTP " + status + " but not with the expected JSON: " + snippet(body)
        + "; check that lakemill.airflow.url is the Airflow API server and lakemill.airflow.version its major"
        + " version", null);
  }

  static AirflowException noToken() {
    return new AirflowException(AirflowException.Failure.BAD_RESPONSE, "Airflow answered POST " + AirflowClient.TOKEN_PATH
        + " without an access_token; check that lakemill.airflow.url is an Airflow 3 API server, or set"
        + " lakemill.airflow.version = 2 for Airflow 2");
  }

  static AirflowException paused(String dagId) {
    return new AirflowException(AirflowException.Failure.DAG_PAUSED, "DAG '" + dagId + "' is paused: a run triggered"
        + " now would stay queued until someone unpauses it; unpause it (lakemill airflow unpause " + dagId
        + ", or trigger with --unpause)");
  }

  static AirflowException conflict(String dagId, String runId, Map<?, ?> theirs, Map<?, ?> ours) {
    return new AirflowException(AirflowException.Failure.RUN_CONFLICT, 409, "DAG '" + dagId + "' already has a run '"
        + runId + "' with a different conf (" + json(theirs) + ", not " + json(ours) + "); choose another run id", null);
  }

  static AirflowException duplicateWithoutRun(String conflictMessage, String dagId, String runId) {
    return new AirflowException(AirflowException.Failure.HTTP, 409, conflictMessage + "; yet DAG '" + dagId
        + "' has no run '" + runId + "': another run has the same logical date; trigger again", null);
  }

  static AirflowException runFailed(DagRun run, List<TaskInstance> tasks) {
    List<String> failed = new ArrayList<>();
    for (TaskInstance t : tasks) {
      if ("failed".equals(t.state())) {
        failed.add(t.label());
      }
    }
    return new AirflowException(AirflowException.Failure.RUN_FAILED, "Run '" + run.runId() + "' of DAG '" + run.dagId()
        + "' failed" + (failed.isEmpty() ? "" : "; failed tasks: " + String.join(", ", failed))
        + "; see the task logs in the Airflow UI");
  }

  static AirflowException waitTimeout(DagRun run, Duration timeout) {
    String queued = "queued".equals(run.state()) ? " (a run stays queued while its DAG is paused or at max_active_runs)"
        : "";
    return new AirflowException(AirflowException.Failure.WAIT_TIMEOUT, "Run '" + run.runId() + "' of DAG '" + run.dagId()
        + "' is still " + run.state() + " after " + human(timeout) + queued + "; it goes on in Airflow: wait again"
        + " (lakemill airflow wait " + run.dagId() + " " + run.runId() + ") or raise --timeout"
        + " / lakemill.airflow.wait-timeout");
  }

  static AirflowException unknownAsset(String uri, AirflowVersion version) {
    String noun = version == AirflowVersion.AIRFLOW_2 ? "dataset" : "asset";
    String article = version == AirflowVersion.AIRFLOW_2 ? "a " : "an ";
    return new AirflowException(AirflowException.Failure.UNKNOWN_ASSET, 404, "Airflow has no " + noun + " '" + uri
        + "', so no DAG waits for it: " + article + noun + " exists once a DAG declares it as an outlet or schedules on it"
        + " (lakemill dags generate does for the pipelines that move or read it); generate and deploy those DAGs", null);
  }

  static AirflowException noBackfill(String dagId, LocalDate from, LocalDate to, Map<String, ?> conf) {
    String confArg = "";
    if (conf != null && !conf.isEmpty()) {
      try {
        confArg = " -c '" + MAPPER.writeValueAsString(conf).replace("'", "'\\''") + "'";
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("conf maps hold JSON values only", e);
      }
    }
    return new AirflowException(AirflowException.Failure.NO_BACKFILL, 0, "Airflow 2's REST API (/api/v1) cannot create"
        + " backfills, so nothing was started; run it with the Airflow CLI on a host of that Airflow: airflow dags"
        + " backfill -s " + from + " -e " + to + confArg + " " + dagId, null);
  }

  static AirflowException backfillFailed(Backfill backfill, List<DagRun> runs) {
    List<String> failed = new ArrayList<>();
    for (DagRun r : runs) {
      if (!r.succeeded()) {
        failed.add(date(r));
      }
    }
    return new AirflowException(AirflowException.Failure.RUN_FAILED, "Backfill " + backfill.id() + " of DAG '"
        + backfill.dagId() + "' ended with " + failed.size() + " of " + runs.size() + " run(s) failed: "
        + String.join(", ", failed) + "; see their task logs in the Airflow UI, then backfill those dates again with"
        + " --reprocess failed");
  }

  static AirflowException backfillTimeout(Backfill backfill, List<DagRun> runs, Duration timeout) {
    long ended = runs.stream().filter(DagRun::finished).count();
    return new AirflowException(AirflowException.Failure.WAIT_TIMEOUT, "Backfill " + backfill.id() + " of DAG '"
        + backfill.dagId() + "' has " + (runs.size() - ended) + " of " + runs.size() + " run(s) not ended after "
        + human(timeout) + "; it goes on in Airflow (see Browse > Backfills in the UI): raise --timeout /"
        + " lakemill.airflow.wait-timeout to follow it longer");
  }

  /** The logical date of a run as yyyy-MM-dd (UTC), or its run id when it has none. */
  static String date(DagRun run) {
    return run.logicalDate() == null ? run.runId() : run.logicalDate().toString().substring(0, 10);
  }

  static AirflowException interrupted(String what) {
    return new AirflowException(AirflowException.Failure.INTERRUPTED, "Interrupted while " + what);
  }

  static LakemillException badRunId(String runId) {
    return new LakemillException(LakemillException.Kind.INVALID_INPUT, "Cannot use run id '" + runId + "': use letters, digits and _ . ~ : + -,"
        + " without '..' and without the prefixes scheduled__ and backfill__ (at most 250 characters)");
  }

  static LakemillException badParamName(String name) {
    return new LakemillException(LakemillException.Kind.INVALID_INPUT, "Cannot use --param '" + name + "': a param"
        + " name starts with a letter and has letters, digits, - and _ (as under params in a pipeline file), e.g."
        + " --param run-date=2026-11-26");
  }

  static LakemillException paramConflict(String name, Object inJson, String inParam) {
    return new LakemillException(LakemillException.Kind.INVALID_INPUT, "Cannot set conf key '" + name + "' twice:"
        + " --conf-json gives " + json(Map.of(name, inJson)) + " and --param gives " + name + "=" + inParam
        + "; give it once");
  }

  /** Airflow's explanation from an error body of either API version, or a snippet of a non-JSON body. */
  static String detail(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    JsonNode n;
    try {
      n = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      return snippet(body);
    }
    if (!n.isObject()) {
      return snippet(n.toString());
    }
    String title = n.path("title").isTextual() ? n.get("title").asText() : null;
    String detail = n.has("detail") && !n.get("detail").isNull() ? render(n.get("detail")) : null;
    if (title != null && detail != null) {
      return detail.startsWith(title) ? detail : title + ": " + detail;
    }
    return detail != null ? detail : title != null ? title : snippet(n.toString());
  }

  private static String render(JsonNode detail) {
    if (detail.isTextual()) {
      return detail.asText();
    }
    if (detail.isArray()) {
      List<String> items = new ArrayList<>();
      for (JsonNode item : detail) {
        if (item.has("msg")) {
          List<String> loc = new ArrayList<>();
          item.path("loc").forEach(l -> loc.add(l.asText()));
          items.add((loc.isEmpty() ? "" : String.join(".", loc) + ": ") + item.get("msg").asText());
        } else {
          items.add(snippet(item.toString()));
        }
      }
      return String.join("; ", items);
    }
    if (detail.isObject() && detail.path("reason").isTextual()) {
      String message = detail.path("message").isTextual() ? ": " + detail.get("message").asText() : "";
      return detail.get("reason").asText() + message;
    }
    return snippet(detail.toString());
  }

  private static String snippet(String text) {
    String flat = text.strip().replaceAll("\\s+", " ");
    return flat.length() <= SNIPPET ? flat : flat.substring(0, SNIPPET) + "...";
  }

  private static String json(Map<?, ?> conf) {
    try {
      return snippet(MAPPER.writeValueAsString(conf));
    } catch (JsonProcessingException e) {
      return String.valueOf(conf);
    }
  }

  /** 30s, 200ms, 10m, 2h. */
  static String human(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 != 0) {
      return ms + "ms";
    }
    long s = ms / 1000;
    return s % 3600 == 0 && s > 0 ? s / 3600 + "h" : s % 60 == 0 && s > 0 ? s / 60 + "m" : s + "s";
  }
}
