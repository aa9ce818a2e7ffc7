package dev.lakemill.airflow.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.lakemill.settings.AirflowCredentials;
import dev.lakemill.settings.AirflowSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client against a fake Airflow 2 and 3: bodies, auth, retries, conflicts, pagination and waiting. */
class AirflowClientTest {
  private static final AirflowCredentials GOOD =
      AirflowCredentials.password(FakeAirflow.USER, FakeAirflow.PASSWORD, "test credentials");
  private static final String WRONG_PASSWORD = "wrong-Secret-42";

  @TempDir Path dir;

  /** Every wait the client asked for; the test sleeper waits at most 10ms of it. */
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private FakeAirflow airflow;

  @AfterEach
  void stop() {
    if (airflow != null) {
      airflow.close();
    }
  }

  private AirflowClient start(int major) {
    return start(major, GOOD, "");
  }

  private AirflowClient start(int major, AirflowCredentials credentials, String conf) {
    airflow = FakeAirflow.start(major);
    airflow.addDag("churn", false);
    return client(airflow.url(), major, credentials, conf);
  }

  private AirflowClient client(String url, int major, AirflowCredentials credentials, String conf) {
    return new AirflowClient(settings(url, major, conf), credentials, d -> {
      sleeps.add(d);
      Thread.sleep(Math.min(d.toMillis(), 10));
    });
  }

  private AirflowSettings settings(String url, int major, String conf) {
    return AirflowSettings.from(ConfigFactory.parseString("""
        url = "%s"
        version = %d
        connect-timeout = 1s
        request-timeout = 5s
        max-attempts = 3
        backoff = 10ms
        max-backoff = 1s
        poll-interval = 1ms
        max-poll-interval = 2ms
        """.formatted(url, major) + conf), dir);
  }

  private static String api(int major) {
    return major == 2 ? "/api/v1" : "/api/v2";
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void healthNeedsNoCredentials(int major) {
    AirflowClient client = start(major, AirflowCredentials.none(), "");

    AirflowHealth health = client.health();

    assertThat(health.healthy()).isTrue();
    assertThat(health.metadatabase()).isEqualTo("healthy");
    assertThat(health.schedulerHeartbeat()).hasToString("2026-11-26T21:33:02.123456Z");
    assertThat(health.dagProcessor()).isNull();
    assertThat(airflow.requests()).containsExactly("GET " + (major == 2 ? "/api/v1/health" : "/api/v2/monitor/health"));
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void triggerSendsItsOwnRunIdAndTheBodyEachVersionExpects(int major) {
    AirflowClient client = start(major);
    Map<String, Object> conf = new LinkedHashMap<>();
    conf.put("rows", 2000);
    conf.put("mode", "full");

    DagRun first = client.trigger("churn", conf, false);
    DagRun second = client.trigger("churn", conf, false);

    assertThat(first.runId()).matches("lakemill__\\d{8}T\\d{6}Z_[0-9a-f]{8}").isNotEqualTo(second.runId());
    assertThat(first.state()).isEqualTo("queued");
    assertThat(first.conf()).isEqualTo(conf);
    JsonNode body = airflow.triggerBodies().get(0);
    assertThat(body.get("dag_run_id").asText()).isEqualTo(first.runId());
    assertThat(body.get("conf").toString()).isEqualTo("{\"rows\":2000,\"mode\":\"full\"}");
    assertThat(body.has("execution_date")).isFalse();
    if (major == 3) {
      assertThat(body.has("logical_date")).isTrue();
      assertThat(body.get("logical_date").isNull()).isTrue();
    } else {
      assertThat(body.has("logical_date")).isFalse();
    }
  }

  @Test
  void airflow3RejectsTriggerBodiesWithoutLogicalDateOrWithExecutionDate() {
    start(3);
    AirflowHttp http = new AirflowHttp(settings(airflow.url(), 3, ""), GOOD, sleeps::add);
    ObjectNode noDate = Json.MAPPER.createObjectNode().put("dag_run_id", "r1");
    ObjectNode oldStyle = noDate.deepCopy().putNull("logical_date").put("execution_date", "2026-11-26T21:33:02Z");

    assertThatThrownBy(() -> http.call("POST", "/api/v2/dags/churn/dagRuns", noDate))
        .hasMessage("Airflow POST /api/v2/dags/churn/dagRuns failed with HTTP 422: body.logical_date: Field required");
    assertThatThrownBy(() -> http.call("POST", "/api/v2/dags/churn/dagRuns", oldStyle))
        .hasMessage("Airflow POST /api/v2/dags/churn/dagRuns failed with HTTP 422: body.execution_date: Extra inputs are"
            + " not permitted");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void wrongPasswordFailsClearlyWithoutShowingIt(int major) {
    AirflowCredentials wrong = AirflowCredentials.password(FakeAirflow.USER, WRONG_PASSWORD, "credentials file creds.properties");
    AirflowClient client = start(major, wrong, "");

    AirflowException e = catchThrowableOfType(AirflowException.class, () -> client.dag("churn"));

    assertThat(e.failure()).isEqualTo(AirflowException.Failure.HTTP);
    assertThat(e.status()).isEqualTo(401);
    String expected = major == 2
        ? "Airflow GET /api/v1/dags/churn failed with HTTP 401: Unauthorized: The server could not verify that you are"
            + " authorized to access the URL requested. You either supplied the wrong credentials (e.g. a bad password),"
            + " or your browser doesn't understand how to supply the credentials required."
        : "Airflow POST /auth/token failed with HTTP 401: Invalid credentials";
    assertThat(e).hasMessage(expected
        + "; Airflow rejected the credentials from credentials file creds.properties: check them");
    assertNoSecretIn(e, WRONG_PASSWORD);
    assertThat(wrong).hasToString("AirflowCredentials[username and password from credentials file creds.properties]");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void missingCredentialsSayHowToGiveThem(int major) {
    AirflowClient client = start(major, AirflowCredentials.none(), "");

    assertThatThrownBy(() -> client.dag("churn"))
        .hasMessage("Airflow GET " + api(major) + "/dags/churn failed with HTTP 401: "
            + (major == 2 ? "Unauthorized: The server could not verify" : "Not authenticated")
            + (major == 2 ? " that you are authorized to access the URL requested. You either supplied the wrong"
                + " credentials (e.g. a bad password), or your browser doesn't understand how to supply the credentials"
                + " required." : "")
            + "; give credentials: set AIRFLOW_USERNAME and AIRFLOW_PASSWORD (or AIRFLOW_TOKEN), or name a credentials"
            + " file in lakemill.airflow.credentials-file");
  }

  @Test
  void anExpiredTokenIsFetchedAgainOnce() {
    AirflowClient client = start(3);
    client.dag("churn");

    airflow.expireTokens();
    DagInfo dag = client.dag("churn");

    assertThat(dag.dagId()).isEqualTo("churn");
    assertThat(airflow.tokensIssued()).isEqualTo(2);
    assertThat(airflow.requests()).containsExactly("POST /auth/token", "GET /api/v2/dags/churn",
        "GET /api/v2/dags/churn", "POST /auth/token", "GET /api/v2/dags/churn");
  }

  @Test
  void aRejectedReadyTokenIsNotRefetched() {
    String token = "ey-not-a-valid-token";
    AirflowClient client = start(3, AirflowCredentials.token(token, "environment variable AIRFLOW_TOKEN"), "");

    AirflowException e = catchThrowableOfType(AirflowException.class, () -> client.dag("churn"));

    assertThat(e).hasMessage("Airflow GET /api/v2/dags/churn failed with HTTP 401: Invalid JWT token; Airflow rejected"
        + " the credentials from environment variable AIRFLOW_TOKEN: check them");
    assertNoSecretIn(e, token);
    assertThat(airflow.requests()).containsExactly("GET /api/v2/dags/churn");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void aConflictOnOurRunIdWithOurConfIsOurEarlierTrigger(int major) {
    AirflowClient client = start(major);
    airflow.loseNextTriggerAnswer();

    DagRun run = client.trigger("churn", Map.of("rows", 10), false);

    assertThat(run.conf()).isEqualTo(Map.of("rows", 10));
    String runs = api(major) + "/dags/churn/dagRuns";
    assertThat(airflow.count("POST " + runs)).isEqualTo(2);
    assertThat(airflow.count("GET " + runs + "/" + run.runId())).isEqualTo(1);
    assertThat(sleeps).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void aConflictWithAnotherConfFails(int major) {
    AirflowClient client = start(major);
    airflow.addRun("churn", "nightly-1", Map.of("rows", 10L));

    DagRun same = client.trigger("churn", "nightly-1", Map.of("rows", 10.0), false);

    assertThat(same.runId()).isEqualTo("nightly-1");
    assertThatThrownBy(() -> client.trigger("churn", "nightly-1", Map.of("rows", 11), false))
        .isInstanceOfSatisfying(AirflowException.class, e -> assertThat(e.failure()).isEqualTo(AirflowException.Failure.RUN_CONFLICT))
        .hasMessage("DAG 'churn' already has a run 'nightly-1' with a different conf ({\"rows\":10}, not {\"rows\":11});"
            + " choose another run id");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void aPausedDagFailsUnlessAskedToUnpause(int major) {
    AirflowClient client = start(major);
    airflow.addDag("held", true);

    assertThatThrownBy(() -> client.trigger("held", Map.of(), false))
        .isInstanceOfSatisfying(AirflowException.class, e -> assertThat(e.failure()).isEqualTo(AirflowException.Failure.DAG_PAUSED))
        .hasMessage("DAG 'held' is paused: a run triggered now would stay queued until someone unpauses it;"
            + " unpause it (lakemill airflow unpause held, or trigger with --unpause)");
    assertThat(airflow.triggerBodies()).isEmpty();

    DagRun run = client.trigger("held", Map.of(), true);

    assertThat(airflow.paused("held")).isFalse();
    assertThat(run.dagId()).isEqualTo("held");
    assertThat(airflow.requests()).endsWith("GET " + api(major) + "/dags/held", "PATCH " + api(major) + "/dags/held",
        "POST " + api(major) + "/dags/held/dagRuns");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void serverErrorsAreRetriedWithDoublingBackoff(int major) {
    AirflowClient client = start(major, AirflowCredentials.password(FakeAirflow.USER, FakeAirflow.PASSWORD, "test"),
        "max-attempts = 4");
    client.dag("churn");
    airflow.failNext(3, 503, null);

    assertThat(client.dag("churn").paused()).isFalse();

    assertThat(airflow.count("GET " + api(major) + "/dags/churn")).isEqualTo(5);
    assertThat(sleeps).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40));
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void serverErrorsBeyondTheLastAttemptFail(int major) {
    AirflowClient client = start(major);
    airflow.failNext(3, 503, null);

    assertThatThrownBy(client::health)
        .hasMessage("Airflow GET " + (major == 2 ? "/api/v1/health" : "/api/v2/monitor/health") + " failed with HTTP 503: "
            + (major == 2 ? "Service Unavailable: " : "") + "Injected failure");
    assertThat(airflow.requests()).hasSize(3);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void tooManyRequestsWaitsRetryAfterUpToTheCap(int major) {
    AirflowClient client = start(major);
    airflow.failNext(1, 429, "1");
    client.health();
    airflow.failNext(1, 429, "120");
    client.health();

    assertThat(sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertThat(airflow.requests()).hasSize(4);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void aSlowServerTimesOut(int major) {
    // A whole second, not less: the JDK client reports a request timeout that fires before the connection
    // is made as a connect timeout (unreachable), and a loaded machine can take a few hundred
    // milliseconds to complete a connect to localhost (seen at load 24 with 200ms).
    AirflowClient client = start(major, GOOD, "request-timeout = 1s\nmax-attempts = 2");
    airflow.slowNext(2, Duration.ofSeconds(5));

    AirflowException e = catchThrowableOfType(AirflowException.class, client::health);

    assertThat(e.failure()).isEqualTo(AirflowException.Failure.TIMEOUT);
    assertThat(e.unreachable()).isTrue();
    assertThat(e).hasMessage("Airflow did not answer GET " + (major == 2 ? "/api/v1/health" : "/api/v2/monitor/health")
        + " in time (2 attempts); raise lakemill.airflow.request-timeout or check the load of the API server at "
        + airflow.url());
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void taskInstancesAreReadFromEveryPage(int major) {
    AirflowClient client = start(major);
    airflow.tasksPerRun(230);
    DagRun run = client.trigger("churn", Map.of(), false);

    List<TaskInstance> tasks = client.taskInstances("churn", run.runId());

    assertThat(tasks).hasSize(230);
    assertThat(new HashSet<>(tasks.stream().map(TaskInstance::taskId).toList())).hasSize(230);
    assertThat(tasks.get(229).taskId()).isEqualTo("task_229");
    assertThat(airflow.count("GET " + api(major) + "/dags/churn/dagRuns/" + run.runId() + "/taskInstances"))
        .isEqualTo(major == 2 ? 3 : 5);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void runIdsAreEncodedInPaths(int major) {
    AirflowClient client = start(major);
    String runId = "lakemill__2026-11-26T21:33:02+00:00~1";

    client.trigger("churn", runId, Map.of(), false);
    DagRun run = client.run("churn", runId);

    assertThat(run.runId()).isEqualTo(runId);
    assertThat(airflow.requests()).contains(
        "GET " + api(major) + "/dags/churn/dagRuns/lakemill__2026-11-26T21%3A33%3A02%2B00%3A00%7E1");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void waitFollowsTheRunUntilItSucceeds(int major) {
    AirflowClient client = start(major);
    airflow.runsEnd("success", 3);
    DagRun triggered = client.trigger("churn", Map.of(), false);
    List<String> states = new ArrayList<>();

    DagRun done = client.waitForSuccess("churn", triggered.runId(), Duration.ofSeconds(30), r -> states.add(r.state()));

    assertThat(states).containsExactly("queued", "running", "success");
    assertThat(done.succeeded()).isTrue();
    assertThat(done.endDate()).hasToString("2026-11-26T21:35:07.250Z");
    assertThat(sleeps).containsExactly(Duration.ofMillis(1), Duration.ofMillis(2));
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void aFailedRunNamesItsFailedTasks(int major) {
    AirflowClient client = start(major);
    airflow.runsEnd("failed", 2);
    DagRun triggered = client.trigger("churn", Map.of(), false);

    DagRun done = client.waitFor("churn", triggered.runId(), Duration.ofSeconds(30), r -> { });

    assertThat(done.state()).isEqualTo("failed");
    assertThatThrownBy(() -> client.waitForSuccess("churn", triggered.runId(), Duration.ofSeconds(30), r -> { }))
        .isInstanceOfSatisfying(AirflowException.class, e -> assertThat(e.failure()).isEqualTo(AirflowException.Failure.RUN_FAILED))
        .hasMessage("Run '" + triggered.runId() + "' of DAG 'churn' failed; failed tasks: task_000; see the task logs in"
            + " the Airflow UI");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void waitGivesUpAfterTheTimeout(int major) {
    AirflowClient client = start(major);
    airflow.addDag("held", true);
    airflow.addRun("held", "r1", Map.of());

    assertThatThrownBy(() -> client.waitFor("held", "r1", Duration.ofMillis(50), r -> { }))
        .isInstanceOfSatisfying(AirflowException.class, e -> assertThat(e.failure()).isEqualTo(AirflowException.Failure.WAIT_TIMEOUT))
        .hasMessage("Run 'r1' of DAG 'held' is still queued after 50ms (a run stays queued while its DAG is paused or at"
            + " max_active_runs); it goes on in Airflow: wait again (lakemill airflow wait held r1) or raise --timeout"
            + " / lakemill.airflow.wait-timeout");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void notFoundQuotesAirflow(int major) {
    AirflowClient client = start(major);

    assertThatThrownBy(() -> client.dag("nope"))
        .hasMessage("Airflow GET " + api(major) + "/dags/nope failed with HTTP 404: "
            + (major == 2 ? "Not Found: DAG with dag_id: 'nope' not found" : "The Dag with ID: `nope` was not found")
            + "; check the DAG id and run id (a new DAG exists only once the DAG processor has parsed its file:"
            + " see lakemill airflow import-errors)");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void importErrorsAreListed(int major) {
    AirflowClient client = start(major);
    airflow.addImportError("/opt/airflow/dags/churn.py", "Traceback ...\nNameError: name 'DAG' is not defined");

    List<DagImportError> errors = client.importErrors();

    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).filename()).isEqualTo("/opt/airflow/dags/churn.py");
    assertThat(errors.get(0).stackTrace()).endsWith("NameError: name 'DAG' is not defined");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void aClosedPortIsUnreachable(int major) throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    AirflowClient client = client("http://127.0.0.1:" + port, major, GOOD, "");

    AirflowException e = catchThrowableOfType(AirflowException.class, client::health);

    assertThat(e.failure()).isEqualTo(AirflowException.Failure.UNREACHABLE);
    assertThat(e).hasMessage("Cannot reach Airflow at http://127.0.0.1:" + port + " for GET "
        + (major == 2 ? "/api/v1/health" : "/api/v2/monitor/health") + ": connection refused (3 attempts);"
        + " check lakemill.airflow.url (or --airflow-url) and that the API server is running");
    assertThat(sleeps).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20));
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void forbiddenSaysTheUserLacksPermission(int major) {
    AirflowClient client = start(major);
    airflow.answerNext("GET " + api(major) + "/dags/churn", 403, major == 2 ? "application/problem+json" : "application/json",
        major == 2 ? "{\"detail\":\"Access is denied\",\"status\":403,\"title\":\"Forbidden\",\"type\":\"about:blank\"}"
            : "{\"detail\":\"Forbidden\"}");

    assertThatThrownBy(() -> client.dag("churn"))
        .hasMessage("Airflow GET " + api(major) + "/dags/churn failed with HTTP 403: "
            + (major == 2 ? "Forbidden: Access is denied" : "Forbidden")
            + "; the user from test credentials lacks the permission for this call");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void aProxyPageIsNotTakenForAnAnswer(int major) {
    AirflowClient client = start(major);
    String health = major == 2 ? "/api/v1/health" : "/api/v2/monitor/health";
    airflow.answerNext("GET " + health, 200, "text/html", "<html>\n<body>Sign in</body>\n</html>");

    assertThatThrownBy(client::health)
        .isInstanceOfSatisfying(AirflowException.class, e -> assertThat(e.failure()).isEqualTo(AirflowException.Failure.BAD_RESPONSE))
        .hasMessage("Airflow answered GET " + health + " with HTTP 200 but not with the expected JSON:"
            + " <html> <body>Sign in</body> </html>; check that lakemill.airflow.url is the Airflow API server and"
            + " lakemill.airflow.version its major version");
  }

  @Test
  void aTokenAnswerWithoutATokenIsRefused() {
    AirflowClient client = start(3);
    airflow.answerNext("POST /auth/token", 201, "application/json", "{\"token_type\":\"bearer\"}");

    assertThatThrownBy(() -> client.dag("churn"))
        .hasMessage("Airflow answered POST /auth/token without an access_token; check that lakemill.airflow.url is an"
            + " Airflow 3 API server, or set lakemill.airflow.version = 2 for Airflow 2");
  }

  @Test
  void aConflictWithoutOurRunIsALogicalDateClash() {
    AirflowClient client = start(2);
    airflow.answerNext("POST /api/v1/dags/churn/dagRuns", 409, "application/problem+json", "{\"detail\":\"DAGRun with"
        + " DAG ID: 'churn' and DAGRun logical date: '2026-11-26 21:33:02+00:00' already exists\",\"status\":409,"
        + "\"title\":\"Conflict\",\"type\":\"about:blank\"}");

    assertThatThrownBy(() -> client.trigger("churn", "r9", Map.of(), false))
        .hasMessage("Airflow POST /api/v1/dags/churn/dagRuns failed with HTTP 409: Conflict: DAGRun with DAG ID: 'churn'"
            + " and DAGRun logical date: '2026-11-26 21:33:02+00:00' already exists; yet DAG 'churn' has no run 'r9':"
            + " another run has the same logical date; trigger again");
  }

  @Test
  void errorBodiesOfBothVersionsAreQuoted() {
    assertThat(AirflowErrors.detail("{\"detail\":\"DAG with dag_id: 'x' not found\",\"status\":404,"
        + "\"title\":\"DAG not found\",\"type\":\"https://airflow.apache.org/...#section/Errors/NotFound\"}"))
        .isEqualTo("DAG not found: DAG with dag_id: 'x' not found");
    assertThat(AirflowErrors.detail("{\"detail\":\"Token Expired\"}")).isEqualTo("Token Expired");
    assertThat(AirflowErrors.detail("{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\",\"logical_date\"],"
        + "\"msg\":\"Field required\",\"input\":{}},{\"type\":\"extra_forbidden\",\"loc\":[\"body\",\"execution_date\"],"
        + "\"msg\":\"Extra inputs are not permitted\"}]}"))
        .isEqualTo("body.logical_date: Field required; body.execution_date: Extra inputs are not permitted");
    assertThat(AirflowErrors.detail("{\"detail\":{\"reason\":\"Unique constraint violation\",\"statement\":\"INSERT\"}}"))
        .isEqualTo("Unique constraint violation");
    assertThat(AirflowErrors.detail("{\"detail\":{\"dag_id\":\"x\"}}")).isEqualTo("{\"dag_id\":\"x\"}");
    assertThat(AirflowErrors.detail("<html>\n  <body>502 Bad Gateway</body>\n</html>"))
        .isEqualTo("<html> <body>502 Bad Gateway</body> </html>");
    assertThat(AirflowErrors.detail("")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void unpauseAndPauseReturnTheDag(int major) {
    AirflowClient client = start(major);

    assertThat(client.setPaused("churn", true).paused()).isTrue();
    assertThat(airflow.paused("churn")).isTrue();
    assertThat(client.setPaused("churn", false).paused()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void anAssetEventGoesToTheAssetWithExactlyThatUri(int major) {
    AirflowClient client = start(major);
    airflow.addAsset("lakemill://prod/model/churnXv2@champion");
    long id = airflow.addAsset("lakemill://prod/model/churn_v2@champion");

    AssetEvent event = client.postAssetEvent(AssetUris.modelAlias("prod", "churn_v2", "champion"), Map.of("version", 3));

    assertThat(event.assetId()).isEqualTo(id).isEqualTo(2);
    assertThat(airflow.assetEvents()).extracting(JsonNode::toString)
        .containsExactly("{\"uri\":\"lakemill://prod/model/churn_v2@champion\",\"extra\":{\"version\":3}}");
    assertThat(airflow.requests()).containsExactlyElementsOf(major == 2 ? List.of("POST /api/v1/datasets/events")
        : List.of("POST /auth/token", "GET /api/v2/assets", "POST /api/v2/assets/events"));
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void anUnknownAssetSaysHowItComesToExist(int major) {
    AirflowClient client = start(major);
    String noun = major == 2 ? "dataset" : "asset";
    String article = major == 2 ? "a " : "an ";

    assertThatThrownBy(() -> client.postAssetEvent("lakemill://prod/table/silver.customers", Map.of()))
        .isInstanceOfSatisfying(AirflowException.class,
            e -> assertThat(e.failure()).isEqualTo(AirflowException.Failure.UNKNOWN_ASSET))
        .hasMessage("Airflow has no " + noun + " 'lakemill://prod/table/silver.customers', so no DAG waits for it: " + article
            + noun + " exists once a DAG declares it as an outlet or schedules on it (lakemill dags generate does for the"
            + " pipelines that move or read it); generate and deploy those DAGs");
    assertThat(airflow.assetEvents()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void aMovedAliasIsAnnouncedAndAFailureIsOnlyAWarning(int major) {
    AirflowClient client = start(major);
    airflow.addAsset("lakemill://prod/model/churn@champion");
    AirflowAssetEvents events = new AirflowAssetEvents(client, "prod");
    String noun = major == 2 ? "dataset" : "asset";
    String article = major == 2 ? "a " : "an ";

    String posted = events.aliasMoved("churn", "champion", 2, 3, "promote");
    String unknown = events.aliasMoved("churn", "staging", 0, 3, "promote");

    assertThat(posted).isEqualTo("Airflow " + noun + " event posted for lakemill://prod/model/churn@champion (" + noun + " 1)");
    assertThat(airflow.assetEvents()).extracting(JsonNode::toString).containsExactly("{\"uri\":"
        + "\"lakemill://prod/model/churn@champion\",\"extra\":{\"model\":\"churn\",\"alias\":\"champion\",\"version\":3,"
        + "\"from_version\":2,\"action\":\"promote\"}}");
    assertThat(unknown).isEqualTo("warning: churn@staging moved to v3, but no Airflow " + noun + " event was posted for"
        + " lakemill://prod/model/churn@staging: Airflow has no " + noun + " 'lakemill://prod/model/churn@staging', so no DAG waits"
        + " for it: " + article + noun + " exists once a DAG declares it as an outlet or schedules on it (lakemill dags generate"
        + " does for the pipelines that move or read it); generate and deploy those DAGs");
  }

  @Test
  void aBackfillRunsEveryDateWithItsConfAndIsFollowedToTheEnd() {
    AirflowClient client = start(3);
    List<Long> ended = new ArrayList<>();

    Backfill backfill = client.createBackfill("churn", LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-03"),
        Map.of("rows", "2000"), "none", 10, false);
    List<DagRun> runs = client.followToSuccess(backfill, Duration.ofSeconds(30),
        r -> ended.add(r.stream().filter(DagRun::finished).count()));

    assertThat(airflow.backfillBodies()).extracting(JsonNode::toString).containsExactly("{\"dag_id\":\"churn\","
        + "\"from_date\":\"2026-11-01T00:00:00Z\",\"to_date\":\"2026-11-03T00:00:00Z\",\"run_backwards\":false,"
        + "\"reprocess_behavior\":\"none\",\"max_active_runs\":10,\"dag_run_conf\":{\"rows\":\"2000\"}}");
    assertThat(backfill.id()).isOne();
    assertThat(runs).extracting(r -> r.logicalDate().toString(), DagRun::state, r -> r.conf().get("rows"))
        .containsExactly(tuple("2026-11-01T00:00:00Z", "success", "2000"), tuple("2026-11-02T00:00:00Z", "success", "2000"),
            tuple("2026-11-03T00:00:00Z", "success", "2000"));
    assertThat(ended).containsExactly(0L, 3L);
    assertThat(client.backfill(1).completed()).isTrue();
    assertThat(airflow.requests()).contains("GET /api/v2/dags/churn/dagRuns", "GET /api/v2/backfills/1");
  }

  @Test
  void aBackfillWithAFailedDateFailsNamingIt() {
    AirflowClient client = start(3);
    airflow.backfillFailsOn("2026-11-02");
    Backfill backfill = client.createBackfill("churn", LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-03"),
        Map.of(), "failed", 2, true);

    assertThatThrownBy(() -> client.followToSuccess(backfill, Duration.ofSeconds(30), r -> { }))
        .isInstanceOfSatisfying(AirflowException.class, e -> assertThat(e.failure()).isEqualTo(AirflowException.Failure.RUN_FAILED))
        .hasMessage("Backfill 1 of DAG 'churn' ended with 1 of 3 run(s) failed: 2026-11-02; see their task logs in the"
            + " Airflow UI, then backfill those dates again with --reprocess failed");
    assertThat(airflow.backfillBodies().get(0).get("reprocess_behavior").asText()).isEqualTo("failed");
    assertThat(airflow.backfillBodies().get(0).get("run_backwards").asBoolean()).isTrue();
  }

  @Test
  void followingABackfillGivesUpAfterTheTimeout() {
    AirflowClient client = start(3);
    airflow.runsEnd("success", 1000);
    Backfill backfill = client.createBackfill("churn", LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-02"),
        Map.of(), "none", 10, false);

    assertThatThrownBy(() -> client.follow(backfill, Duration.ofMillis(20), r -> { }))
        .isInstanceOfSatisfying(AirflowException.class, e -> assertThat(e.failure()).isEqualTo(AirflowException.Failure.WAIT_TIMEOUT))
        .hasMessage("Backfill 1 of DAG 'churn' has 2 of 2 run(s) not ended after 20ms; it goes on in Airflow (see"
            + " Browse > Backfills in the UI): raise --timeout / lakemill.airflow.wait-timeout to follow it longer");
  }

  @Test
  void airflow2HasNoBackfillAndSaysWhichCommandToRun() {
    AirflowClient client = start(2);

    assertThatThrownBy(() -> client.createBackfill("churn", LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-03"),
        Map.of("note", "it's late"), "none", 10, false))
        .isInstanceOfSatisfying(AirflowException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessage("Airflow 2's REST API (/api/v1) cannot create backfills, so nothing was started; run it with the"
            + " Airflow CLI on a host of that Airflow: airflow dags backfill -s 2026-11-01 -e 2026-11-03"
            + " -c '{\"note\":\"it'\\''s late\"}' churn");
    assertThat(airflow.requests()).isEmpty();
  }

  private static void assertNoSecretIn(Throwable e, String secret) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(secret).doesNotContain(FakeAirflow.PASSWORD);
      assertThat(t.toString()).doesNotContain(secret);
    }
  }
}
