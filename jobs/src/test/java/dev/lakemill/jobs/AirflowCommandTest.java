package dev.lakemill.jobs;

import static dev.lakemill.jobs.CliTest.lakemill;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakemill.airflow.rest.FakeAirflow;
import dev.lakemill.jobs.CliTest.Outcome;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code lakemill airflow ...} against a fake Airflow: what it prints and its exit codes 0, 1, 2 and 4. */
class AirflowCommandTest {
  @TempDir Path dir;
  private Path conf;
  private Path credentials;
  private FakeAirflow airflow;

  @BeforeEach
  void writeConf() throws IOException {
    conf = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(conf.resolve("application.conf"), """
        lakemill {
          lakehouse-root = ./lakehouse
          airflow {
            connect-timeout = 1s
            request-timeout = 5s
            max-attempts = 2
            backoff = 5ms
            max-backoff = 20ms
            poll-interval = 2ms
            max-poll-interval = 5ms
          }
        }
        """);
    Files.writeString(conf.resolve("local.conf"), "");
    credentials = dir.resolve("airflow.properties");
    Files.writeString(credentials, "username=" + FakeAirflow.USER + "\npassword=" + FakeAirflow.PASSWORD + "\n");
  }

  @AfterEach
  void stop() {
    if (airflow != null) {
      airflow.close();
    }
  }

  private void start(int major) {
    airflow = FakeAirflow.start(major);
    airflow.addDag("churn", false);
  }

  /** {@code lakemill airflow <args> --conf ... --airflow-url ... --airflow-version ... --credentials-file ...}. */
  private Outcome cli(String... args) {
    List<String> all = new ArrayList<>(List.of("airflow"));
    all.addAll(List.of(args));
    all.addAll(List.of("--conf", conf.toString(), "--airflow-url", airflow.url(),
        "--airflow-version", String.valueOf(airflow.major()), "--credentials-file", credentials.toString()));
    return lakemill(all.toArray(String[]::new));
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void healthPrintsEveryComponent(int major) {
    start(major);

    Outcome ok = cli("health");
    airflow.schedulerHealthy(false);
    Outcome sick = cli("health");

    assertThat(ok.exit()).isEqualTo(Lakemill.OK);
    assertThat(ok.out()).isEqualTo("Airflow " + major + " at " + airflow.url() + ": healthy\n"
        + "  metadatabase   healthy\n"
        + "  scheduler      healthy (heartbeat 2026-11-26T21:33:02.123456Z)\n"
        + "  triggerer      healthy\n"
        + "  dag-processor  -\n");
    assertThat(sick.exit()).isEqualTo(Lakemill.RUN_FAILED);
    assertThat(sick.out()).startsWith("Airflow " + major + " at " + airflow.url() + ": NOT healthy\n")
        .contains("  scheduler      unhealthy");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void triggerAPipelineByNameAndWaitForIt(int major) {
    start(major);
    airflow.addDag("churn_prep", false);

    Outcome r = cli("trigger", "churn prep", "--conf-json", "{\"rows\": 2000, \"mode\": \"full\"}", "--param",
        "run-date=2026-11-20", "--param", "mode=full", "--param", "window_days=30", "--wait");

    assertThat(r.exit()).as(r.err()).isEqualTo(Lakemill.OK);
    String runId = airflow.triggerBodies().get(0).get("dag_run_id").asText();
    assertThat(airflow.triggerBodies().get(0).get("conf").toString())
        .isEqualTo("{\"rows\":2000,\"mode\":\"full\",\"run-date\":\"2026-11-20\",\"window_days\":30}");
    assertThat(airflow.runConf("churn_prep", runId).toString())
        .as("the conf Airflow keeps for the run").isEqualTo(airflow.triggerBodies().get(0).get("conf").toString());
    assertThat(r.out()).isEqualTo("Triggered DAG churn_prep: run " + runId + " (queued)\n"
        + "  queued\n  running\n  success\n"
        + "Run " + runId + " of DAG churn_prep succeeded\n");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void aFailedRunExits1WithItsFailedTasks(int major) {
    start(major);
    airflow.runsEnd("failed", 2);

    Outcome trigger = cli("trigger", "churn", "--run-id", "nightly-7", "--wait");
    Outcome status = cli("status", "churn", "nightly-7");
    Outcome wait = cli("wait", "churn", "nightly-7");

    String failed = "Run 'nightly-7' of DAG 'churn' failed; failed tasks: task_000; see the task logs in the Airflow UI\n";
    assertThat(trigger.exit()).isEqualTo(Lakemill.RUN_FAILED);
    assertThat(trigger.out()).isEqualTo("Triggered DAG churn: run nightly-7 (queued)\n  queued\n  failed\n");
    assertThat(trigger.err()).isEqualTo(failed);
    assertThat(status.exit()).isEqualTo(Lakemill.RUN_FAILED);
    assertThat(status.out()).isEqualTo("Run nightly-7 of DAG churn: failed, started 2026-11-26T21:33:05Z,"
        + " ended 2026-11-26T21:35:07.250Z\n"
        + "  3 task(s): 1 failed, 2 upstream_failed\n"
        + "  failed: task_000 (try 1)\n");
    assertThat(wait.exit()).isEqualTo(Lakemill.RUN_FAILED);
    assertThat(wait.out()).isEqualTo("Waiting for run nightly-7 of DAG churn\n  failed\n");
    assertThat(wait.err()).isEqualTo(failed);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void aPausedDagIsAnErrorUnlessUnpauseIsGiven(int major) {
    start(major);
    airflow.addDag("held", true);

    Outcome refused = cli("trigger", "held");
    Outcome unpaused = cli("trigger", "held", "--unpause", "--run-id", "r1");

    assertThat(refused.exit()).isEqualTo(Lakemill.RUN_FAILED);
    assertThat(refused.err()).isEqualTo("DAG 'held' is paused: a run triggered now would stay queued until someone"
        + " unpauses it; unpause it (lakemill airflow unpause held, or trigger with --unpause)\n");
    assertThat(unpaused.exit()).isEqualTo(Lakemill.OK);
    assertThat(unpaused.out()).isEqualTo("Triggered DAG held: run r1 (queued)\n");
    assertThat(airflow.paused("held")).isFalse();
  }

  @Test
  void waitGivesUpAfterTimeout() {
    start(3);
    airflow.addDag("held", true);
    airflow.addRun("held", "r1", Map.of());

    Outcome r = cli("wait", "held", "r1", "--timeout", "100ms");

    assertThat(r.exit()).isEqualTo(Lakemill.RUN_FAILED);
    assertThat(r.out()).isEqualTo("Waiting for run r1 of DAG held\n  queued\n");
    assertThat(r.err()).isEqualTo("Run 'r1' of DAG 'held' is still queued after 100ms (a run stays queued while its DAG"
        + " is paused or at max_active_runs); it goes on in Airflow: wait again (lakemill airflow wait held r1) or raise"
        + " --timeout / lakemill.airflow.wait-timeout\n");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void pauseAndUnpause(int major) {
    start(major);

    Outcome pause = cli("pause", "churn");
    boolean pausedBetween = airflow.paused("churn");
    Outcome unpause = cli("unpause", "churn");

    assertThat(pause.exit()).isZero();
    assertThat(pause.out()).isEqualTo("DAG churn: paused\n");
    assertThat(pausedBetween).isTrue();
    assertThat(unpause.out()).isEqualTo("DAG churn: unpaused\n");
    assertThat(airflow.paused("churn")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void importErrorsExit1WhenThereAreAny(int major) {
    start(major);

    Outcome none = cli("import-errors");
    airflow.addImportError("/opt/airflow/dags/churn.py", "Traceback (most recent call last):\nNameError: name 'DAG' is not defined\n");
    Outcome some = cli("import-errors");

    assertThat(none.exit()).isZero();
    assertThat(none.out()).isEqualTo("No import errors\n");
    assertThat(some.exit()).isEqualTo(Lakemill.RUN_FAILED);
    assertThat(some.out()).isEqualTo("/opt/airflow/dags/churn.py (2026-11-26T21:33:02Z)\n"
        + "    Traceback (most recent call last):\n"
        + "    NameError: name 'DAG' is not defined\n"
        + "1 DAG file(s) with import errors\n");
  }

  @Test
  void anUnreachableAirflowExits4() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }

    Outcome r = lakemill("airflow", "trigger", "churn", "--conf", conf.toString(), "--airflow-url",
        "http://127.0.0.1:" + port, "--credentials-file", credentials.toString());

    assertThat(r.exit()).isEqualTo(Lakemill.UNREACHABLE);
    assertThat(r.err()).isEqualTo("Cannot reach Airflow at http://127.0.0.1:" + port + " for POST /auth/token:"
        + " connection refused (2 attempts); check lakemill.airflow.url (or --airflow-url) and that the API server is"
        + " running\n");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void wrongCredentialsExit1WithoutShowingThem(int major) throws IOException {
    start(major);
    Files.writeString(credentials, "username=lakemill\npassword=not-the-Pa55word\n");

    Outcome r = cli("trigger", "churn");

    assertThat(r.exit()).isEqualTo(Lakemill.RUN_FAILED);
    assertThat(r.err()).contains("failed with HTTP 401", "Airflow rejected the credentials from credentials file "
        + credentials + ": check them");
    assertThat(r.out() + r.err()).doesNotContain("not-the-Pa55word");
  }

  @Test
  void backfillCreatesTheBackfillAndFollowsItsDates() {
    start(3);

    Outcome r = cli("backfill", "churn", "--from", "2026-11-01", "--to", "2026-11-03", "--param", "rows=2000",
        "--max-active-runs", "2");

    assertThat(r.exit()).as(r.err()).isEqualTo(Lakemill.OK);
    assertThat(r.out()).isEqualTo("Created backfill 1 of DAG churn: 2026-11-01 to 2026-11-03\n"
        + "  0 of 3 date(s) done, 3 left\n"
        + "  3 of 3 date(s) done, 0 left (2026-11-01 success, 2026-11-02 success, 2026-11-03 success)\n"
        + "Backfill 1 of DAG churn succeeded\n");
    assertThat(airflow.backfillBodies().get(0).toString()).isEqualTo("{\"dag_id\":\"churn\",\"from_date\":"
        + "\"2026-11-01T00:00:00Z\",\"to_date\":\"2026-11-03T00:00:00Z\",\"run_backwards\":false,"
        + "\"reprocess_behavior\":\"none\",\"max_active_runs\":2,\"dag_run_conf\":{\"rows\":2000}}");
  }

  @Test
  void aBackfillWithAFailedDateExits1() {
    start(3);
    airflow.backfillFailsOn("2026-11-02");

    Outcome r = cli("backfill", "churn", "--from", "2026-11-01", "--to", "2026-11-02");

    assertThat(r.exit()).isEqualTo(Lakemill.RUN_FAILED);
    assertThat(r.out()).endsWith("  2 of 2 date(s) done, 0 left (2026-11-01 success, 2026-11-02 failed)\n");
    assertThat(r.err()).isEqualTo("Backfill 1 of DAG 'churn' ended with 1 of 2 run(s) failed: 2026-11-02; see their"
        + " task logs in the Airflow UI, then backfill those dates again with --reprocess failed\n");
  }

  @Test
  void backfillOnAirflow2PrintsTheAirflowCommandAndExits2() {
    start(2);

    Outcome r = cli("backfill", "churn", "--from", "2026-11-01", "--to", "2026-11-03", "--param", "rows=2000");

    assertThat(r.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(r.err()).isEqualTo("Airflow 2's REST API (/api/v1) cannot create backfills, so nothing was started; run"
        + " it with the Airflow CLI on a host of that Airflow: airflow dags backfill -s 2026-11-01 -e 2026-11-03"
        + " -c '{\"rows\":2000}' churn\n");
    assertThat(airflow.requests()).isEmpty();
  }

  @Test
  void backfillChecksItsOptionsBeforeCallingAirflow() {
    start(3);

    Outcome date = cli("backfill", "churn", "--from", "2026-11-31", "--to", "2026-12-01");
    Outcome range = cli("backfill", "churn", "--from", "2026-11-03", "--to", "2026-11-01");
    Outcome runDate = cli("backfill", "churn", "--from", "2026-11-01", "--to", "2026-11-03", "--param",
        "run-date=2026-11-01");
    Outcome reprocess = cli("backfill", "churn", "--from", "2026-11-01", "--to", "2026-11-03", "--reprocess", "all");
    Outcome active = cli("backfill", "churn", "--from", "2026-11-01", "--to", "2026-11-03", "--max-active-runs", "0");

    assertThat(List.of(date.exit(), range.exit(), runDate.exit(), reprocess.exit(), active.exit()))
        .containsOnly(Lakemill.INVALID);
    assertThat(date.err()).isEqualTo("Cannot read --from '2026-11-31': write a date such as 2026-11-01\n");
    assertThat(range.err()).isEqualTo("Cannot backfill from 2026-11-03 to 2026-11-01: --from is after --to; give the"
        + " first date with --from and the last with --to\n");
    assertThat(runDate.err()).isEqualTo("Cannot pass run-date to a backfill: each run's run-date is its own logical"
        + " date, which the backfill sets; give the dates with --from and --to\n");
    assertThat(reprocess.err()).isEqualTo("Unknown --reprocess 'all'; use none (skip dates that have a run), failed or"
        + " completed\n");
    assertThat(active.err()).isEqualTo("Cannot use --max-active-runs 0: give 1 or more runs at a time\n");
    assertThat(airflow.backfillBodies()).isEmpty();
  }

  @Test
  void badUsageExits2() {
    start(3);

    Outcome version = lakemill("airflow", "health", "--conf", conf.toString(), "--airflow-version", "4");
    Outcome json = cli("trigger", "churn", "--conf-json", "[1, 2]");
    Outcome timeout = cli("wait", "churn", "r1", "--timeout", "soon");
    Outcome runId = cli("trigger", "churn", "--run-id", "scheduled__x");
    Outcome missing = lakemill("airflow", "status", "churn");
    Outcome paramName = cli("trigger", "churn", "--param", "run date=2026-11-20");
    Outcome conflict = cli("trigger", "churn", "--conf-json", "{\"rows\": 2000}", "--param", "rows=3000");

    assertThat(List.of(version.exit(), json.exit(), timeout.exit(), runId.exit(), missing.exit(), paramName.exit(),
        conflict.exit())).containsOnly(Lakemill.INVALID);
    assertThat(paramName.err()).isEqualTo("Cannot use --param 'run date': a param name starts with a letter and has"
        + " letters, digits, - and _ (as under params in a pipeline file), e.g. --param run-date=2026-11-26\n");
    assertThat(conflict.err()).isEqualTo("Cannot set conf key 'rows' twice: --conf-json gives {\"rows\":2000} and"
        + " --param gives rows=3000; give it once\n");
    assertThat(version.err()).isEqualTo("command line: lakemill.airflow.version: Cannot use Airflow version 4: use 2"
        + " (REST API /api/v1) or 3 (/api/v2)\n");
    assertThat(json.err()).isEqualTo("Cannot use --conf-json '[1, 2]': give a JSON object such as '{\"rows\": 2000}'\n");
    assertThat(timeout.err()).isEqualTo("Cannot use --timeout 'soon': give a positive duration such as 30s, 10m or 2h\n");
    assertThat(runId.err()).startsWith("Cannot use run id 'scheduled__x': use letters, digits and _ . ~ : + -");
    assertThat(missing.err()).startsWith("Missing required parameter: 'RUN_ID'");
    assertThat(airflow.triggerBodies()).isEmpty();
  }
}
