package dev.lakemill.airflow.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakemill.LakemillVersion;
import dev.lakemill.settings.AirflowCredentials;
import dev.lakemill.settings.AirflowSettings;
import dev.lakemill.settings.AirflowVersion;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * HTTP calls to Airflow with authentication, timeouts and retries. Connection errors, timeouts, 429 and
 * 5xx answers are retried up to {@code max-attempts} times with doubling backoff (or the server's
 * {@code Retry-After} seconds), both capped at {@code max-backoff}. On Airflow 3 a token from
 * {@code POST /auth/token} is fetched on first use and once more when a call answers 401.
 */
final class AirflowHttp {
  /** Waits between retries and polls; tests record instead of sleeping long. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final AirflowSettings settings;
  private final AirflowCredentials credentials;
  private final Sleeper sleeper;
  private final HttpClient http;
  private String token;

  AirflowHttp(AirflowSettings settings, AirflowCredentials credentials, Sleeper sleeper) {
    this.settings = settings;
    this.credentials = credentials;
    this.sleeper = sleeper;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(settings.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /** Calls {@code path} (absolute, e.g. {@code /api/v2/dags/x}) and returns the JSON answer. */
  JsonNode call(String method, String path, JsonNode body) {
    boolean tokenRefetched = false;
    while (true) {
      HttpResponse<String> response = exchange(method, path, body, authorization());
      if (response.statusCode() == 401 && fetchesTokens() && !tokenRefetched) {
        forgetToken();
        tokenRefetched = true;
        continue;
      }
      return json(method, path, response);
    }
  }

  /** Calls an endpoint that needs no authentication. */
  JsonNode callAnonymously(String method, String path, JsonNode body) {
    return json(method, path, exchange(method, path, body, null));
  }

  void sleep(Duration d, String what) {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw AirflowErrors.interrupted(what);
    }
  }

  private JsonNode json(String method, String path, HttpResponse<String> response) {
    int status = response.statusCode();
    if (status >= 300) {
      throw AirflowErrors.http(method, path, status, response.body(), credentials);
    }
    if (response.body() == null || response.body().isBlank()) {
      return NullNode.getInstance();
    }
    try {
      return Json.MAPPER.readTree(response.body());
    } catch (JsonProcessingException e) {
      throw AirflowErrors.badResponse(method, path, status, response.body());
    }
  }

  /** Sends with retries; returns the last answer, which may still be a 429 or 5xx once attempts run out. */
  private HttpResponse<String> exchange(String method, String path, JsonNode body, String authorization) {
    HttpRequest request = request(method, path, body, authorization);
    for (int attempt = 1; ; attempt++) {
      boolean last = attempt >= settings.maxAttempts();
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (last || (status != 429 && status < 500)) {
          return response;
        }
        sleep(delay(attempt, response.headers().firstValue("Retry-After").orElse(null)), "retrying " + path);
      } catch (IOException e) {
        if (last) {
          throw AirflowErrors.io(method, settings.url(), path, attempt, e);
        }
        sleep(delay(attempt, null), "retrying " + path);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw AirflowErrors.interrupted("calling " + method + " " + path);
      }
    }
  }

  private HttpRequest request(String method, String path, JsonNode body, String authorization) {
    HttpRequest.Builder b = HttpRequest.newBuilder(settings.resolve(path))
        .timeout(settings.requestTimeout())
        .header("Accept", "application/json")
        .header("User-Agent", "lakemill/" + LakemillVersion.get());
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    }
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return b.build();
  }

  /** Doubling backoff from {@code backoff}, or the server's Retry-After seconds, capped at {@code max-backoff}. */
  Duration delay(int attempt, String retryAfter) {
    Duration cap = settings.maxBackoff();
    if (retryAfter != null && retryAfter.strip().matches("\\d{1,9}")) {
      Duration asked = Duration.ofSeconds(Long.parseLong(retryAfter.strip()));
      return asked.compareTo(cap) < 0 ? asked : cap;
    }
    Duration d = settings.backoff();
    for (int i = 1; i < attempt && d.compareTo(cap) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(cap) < 0 ? d : cap;
  }

  private boolean fetchesTokens() {
    return settings.version() == AirflowVersion.AIRFLOW_3 && !credentials.isNone() && !credentials.isToken();
  }

  private String authorization() {
    if (credentials.isNone()) {
      return null;
    }
    if (credentials.isToken()) {
      return "Bearer " + credentials.secret();
    }
    if (settings.version() == AirflowVersion.AIRFLOW_2) {
      return credentials.basicHeader();
    }
    return "Bearer " + token();
  }

  private synchronized void forgetToken() {
    token = null;
  }

  private synchronized String token() {
    if (token == null) {
      ObjectNode body = Json.MAPPER.createObjectNode()
          .put("username", credentials.username())
          .put("password", credentials.secret());
      JsonNode answer = callAnonymously("POST", AirflowClient.TOKEN_PATH, body);
      String fetched = Json.text(answer, "access_token");
      if (fetched == null || fetched.isEmpty()) {
        throw AirflowErrors.noToken();
      }
      token = fetched;
    }
    return token;
  }
}
