package dev.lakemill.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakemill.airflow.rest.AirflowClient;
import dev.lakemill.airflow.rest.AirflowHealth;
import dev.lakemill.airflow.rest.AirflowIds;
import dev.lakemill.airflow.rest.DagImportError;
import dev.lakemill.airflow.rest.DagRun;
import dev.lakemill.airflow.rest.TaskInstance;
import dev.lakemill.airflow.rest.TriggerConf;
import dev.lakemill.settings.AirflowCredentials;
import dev.lakemill.settings.AirflowSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lakemill airflow}: talk to Airflow's REST API (version 2 or 3) from the command line. Exit codes:
 * 0 success, 1 the run failed (or Airflow refused the request), 2 an invalid command line or config,
 * 4 Airflow unreachable.
 */
@Command(
    name = "airflow",
    description = "Check, trigger, follow, pause and unpause Airflow DAGs through Airflow's REST API.",
    subcommands = {AirflowCommand.Health.class, AirflowCommand.Trigger.class, AirflowCommand.Status.class,
        AirflowCommand.Wait.class, AirflowCommand.Backfill.class, AirflowCommand.Pause.class,
        AirflowCommand.Unpause.class, AirflowCommand.ImportErrors.class})
final class AirflowCommand {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The param every run of a generated DAG gets from its logical date unless the conf sets it. */
  private static final String RUN_DATE = "run-date";

  /** Where the environment config is, and overrides of its {@code lakemill.airflow} block. */
  static final class Options {
    @Option(names = "--env", paramLabel = "NAME", defaultValue = "local", description = "Environment overlay in the conf folder (default: ${DEFAULT-VALUE}).")
    String env;

    @Option(names = "--conf", paramLabel = "DIR",
        description = "Folder with application.conf and <env>.conf: a local folder or a Hadoop URI such as"
            + " hdfs://nn:8020/lakemill/conf (default: $LAKEMILL_CONF, else ./conf).")
    String conf;

    @Option(names = "--airflow-url", paramLabel = "URL", description = "The Airflow API server's root (overrides lakemill.airflow.url).")
    String url;

    @Option(names = "--airflow-version", paramLabel = "2|3", description = "Airflow's major version (overrides lakemill.airflow.version).")
    Integer version;

    @Option(names = "--credentials-file", paramLabel = "FILE",
        description = "Properties file with username and password, or token; wins over AIRFLOW_* variables.")
    Path credentialsFile;

    @Option(names = "--request-timeout", paramLabel = "DURATION", description = "Limit of each HTTP call, e.g. 30s.")
    String requestTimeout;

    AirflowClient client(Map<String, Object> more) {
      Map<String, Object> overrides = new HashMap<>(more);
      if (url != null) {
        overrides.put("url", url);
      }
      if (version != null) {
        overrides.put("version", version);
      }
      if (requestTimeout != null) {
        overrides.put("request-timeout", AirflowSettings.duration(requestTimeout, "--request-timeout").toMillis() + "ms");
      }
      AirflowSettings settings = AirflowSettings.load(PipelineOptions.confLocation(conf), env, overrides,
          PipelineOptions.confFiles());
      AirflowCredentials credentials = credentialsFile != null ? AirflowCredentials.fromFile(credentialsFile)
          : AirflowCredentials.resolve(System.getenv(), settings.credentialsFile());
      return new AirflowClient(settings, credentials);
    }
  }

  /**
   * Builds the client and runs. Failures go to {@link Lakemill}: an {@link dev.lakemill.airflow.rest.AirflowException}
   * exits 4 when Airflow is unreachable or does not answer in time, else 1.
   */
  abstract static class Subcommand implements Callable<Integer> {
    @Mixin
    Options options;

    /** Settings this command sets from its own options (e.g. {@code wait-timeout}). */
    Map<String, Object> overrides() {
      return Map.of();
    }

    /** Prints the result and returns the exit code. */
    abstract int run(AirflowClient client, PrintStream out);

    @Override
    public Integer call() {
      return run(options.client(overrides()), System.out);
    }
  }

  /** A subcommand about one DAG. */
  abstract static class DagSubcommand extends Subcommand {
    @Parameters(index = "0", paramLabel = "DAG",
        description = "DAG id, or a pipeline name (characters outside [A-Za-z0-9_.-] become _).")
    String dag;

    String dagId() {
      return AirflowIds.dagId(dag);
    }
  }

  /** A subcommand that waits, with {@code --timeout}. */
  abstract static class WaitingSubcommand extends DagSubcommand {
    @Option(names = "--timeout", paramLabel = "DURATION",
        description = "Give up waiting after this long, e.g. 45m (default: lakemill.airflow.wait-timeout).")
    String timeout;

    @Override
    Map<String, Object> overrides() {
      return timeout == null ? Map.of()
          : Map.of("wait-timeout", AirflowSettings.duration(timeout, "--timeout").toMillis() + "ms");
    }

    int await(AirflowClient client, String runId, PrintStream out) {
      Consumer<DagRun> progress = r -> out.println("  " + r.state());
      DagRun run = client.waitForSuccess(dagId(), runId, client.settings().waitTimeout(), progress);
      out.println("Run " + run.runId() + " of DAG " + run.dagId() + " succeeded");
      return Lakemill.OK;
    }
  }

  @Command(name = "health",
      description = "Show the health of Airflow's components; exit code 1 unless the database and scheduler are healthy.")
  static final class Health extends Subcommand {
    @Override
    int run(AirflowClient client, PrintStream out) {
      AirflowHealth h = client.health();
      out.printf("Airflow %d at %s: %s%n", client.settings().version().major(), client.settings().url(),
          h.healthy() ? "healthy" : "NOT healthy");
      out.printf("  %-14s %s%n", "metadatabase", status(h.metadatabase()));
      out.printf("  %-14s %s%s%n", "scheduler", status(h.scheduler()),
          h.schedulerHeartbeat() == null ? "" : " (heartbeat " + h.schedulerHeartbeat() + ")");
      out.printf("  %-14s %s%n", "triggerer", status(h.triggerer()));
      out.printf("  %-14s %s%n", "dag-processor", status(h.dagProcessor()));
      return h.healthy() ? Lakemill.OK : Lakemill.RUN_FAILED;
    }

    private static String status(String s) {
      return s == null ? "-" : s;
    }
  }

  @Command(name = "trigger",
      description = "Trigger a run with its own run id; a paused DAG is an error unless --unpause.")
  static final class Trigger extends WaitingSubcommand {
    @Option(names = "--conf-json", paramLabel = "JSON", description = "The run's conf as a JSON object, e.g. '{\"rows\": 2000}'.")
    String confJson;

    @Option(names = "--param", paramLabel = "NAME=VALUE",
        description = "Set one param of the run (a conf key) to a string (repeatable; added to --conf-json).")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--run-id", paramLabel = "ID", description = "Run id (default: lakemill__<UTC time>_<random>).")
    String runId;

    @Option(names = "--unpause", description = "Unpause the DAG first if it is paused.")
    boolean unpause;

    @Option(names = "--wait", description = "Wait until the run ends; exit code 1 if it fails.")
    boolean waitForEnd;

    @Override
    int run(AirflowClient client, PrintStream out) {
      Map<String, Object> conf = conf();
      DagRun run = runId == null ? client.trigger(dagId(), conf, unpause) : client.trigger(dagId(), runId, conf, unpause);
      out.println("Triggered DAG " + run.dagId() + ": run " + run.runId() + " (" + run.state() + ")");
      return waitForEnd ? await(client, run.runId(), out) : Lakemill.OK;
    }

    private Map<String, Object> conf() {
      return TriggerConf.merge(json(confJson), params);
    }
  }

  /** {@code --conf-json} as a map; empty when not given. */
  static Map<String, Object> json(String confJson) {
    Map<String, Object> conf = new LinkedHashMap<>();
    if (confJson != null) {
      JsonNode n;
      try {
        n = JSON.readTree(confJson);
      } catch (JsonProcessingException e) {
        n = null;
      }
      if (n == null || !n.isObject()) {
        throw CliErrors.badConfJson(confJson);
      }
      conf.putAll(JSON.convertValue(n, LinkedHashMap.class));
    }
    return conf;
  }

  @Command(name = "status",
      description = "Show a run and its task states; exit code 1 if the run failed.")
  static final class Status extends DagSubcommand {
    @Parameters(index = "1", paramLabel = "RUN_ID", description = "The run id, as printed by trigger.")
    String runId;

    @Override
    int run(AirflowClient client, PrintStream out) {
      DagRun run = client.run(dagId(), runId);
      List<TaskInstance> tasks = client.taskInstances(dagId(), runId);
      out.println("Run " + run.runId() + " of DAG " + run.dagId() + ": " + run.state()
          + (run.startDate() == null ? "" : ", started " + run.startDate())
          + (run.endDate() == null ? "" : ", ended " + run.endDate()));
      Map<String, Integer> byState = new TreeMap<>();
      for (TaskInstance t : tasks) {
        byState.merge(t.state() == null ? "no state" : t.state(), 1, Integer::sum);
      }
      StringBuilder counts = new StringBuilder();
      byState.forEach((state, n) -> counts.append(counts.length() == 0 ? "" : ", ").append(n).append(' ').append(state));
      out.println("  " + tasks.size() + " task(s)" + (tasks.isEmpty() ? "" : ": " + counts));
      for (TaskInstance t : tasks) {
        if ("failed".equals(t.state())) {
          out.println("  failed: " + t.label() + " (try " + t.tryNumber() + ")");
        }
      }
      return "failed".equals(run.state()) ? Lakemill.RUN_FAILED : Lakemill.OK;
    }
  }

  @Command(name = "wait",
      description = "Wait until a run ends; exit code 1 if it fails or does not end within --timeout.")
  static final class Wait extends WaitingSubcommand {
    @Parameters(index = "1", paramLabel = "RUN_ID", description = "The run id, as printed by trigger.")
    String runId;

    @Override
    int run(AirflowClient client, PrintStream out) {
      out.println("Waiting for run " + runId + " of DAG " + dagId());
      return await(client, runId, out);
    }
  }

  @Command(name = "backfill",
      description = "Airflow 3: create a backfill of the logical dates --from to --to (both included) and follow it;"
          + " exit code 1 if a run fails. Airflow 2: print the airflow dags backfill command to run (exit code 2).")
  static final class Backfill extends WaitingSubcommand {
    @Option(names = "--from", required = true, paramLabel = "DATE", description = "First logical date, e.g. 2026-11-01.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "DATE", description = "Last logical date (included).")
    String to;

    @Option(names = "--conf-json", paramLabel = "JSON", description = "Every run's conf as a JSON object.")
    String confJson;

    @Option(names = "--param", paramLabel = "NAME=VALUE",
        description = "Set one param of every run (a conf key) to a string (repeatable; added to --conf-json).")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--reprocess", paramLabel = "none|failed|completed", defaultValue = "none",
        description = "Dates that have a run already: none skips them, failed reruns failed ones, completed reruns"
            + " all (default: ${DEFAULT-VALUE}).")
    String reprocess;

    @Option(names = "--max-active-runs", paramLabel = "N", defaultValue = "10",
        description = "Runs of the backfill at a time (default: ${DEFAULT-VALUE}).")
    int maxActiveRuns;

    @Option(names = "--run-backwards", description = "Run the latest date first.")
    boolean runBackwards;

    @Override
    int run(AirflowClient client, PrintStream out) {
      LocalDate first = CliErrors.date("--from", from);
      LocalDate last = CliErrors.date("--to", to);
      if (first.isAfter(last)) {
        throw CliErrors.backfillRange(from, to);
      }
      if (!List.of("none", "failed", "completed").contains(reprocess)) {
        throw CliErrors.badReprocess(reprocess);
      }
      if (maxActiveRuns < 1) {
        throw CliErrors.badMaxActiveRuns(maxActiveRuns);
      }
      Map<String, Object> conf = TriggerConf.merge(json(confJson), params);
      if (conf.containsKey(RUN_DATE)) {
        throw CliErrors.backfillRunDate();
      }
      dev.lakemill.airflow.rest.Backfill backfill =
          client.createBackfill(dagId(), first, last, conf, reprocess, maxActiveRuns, runBackwards);
      out.println("Created backfill " + backfill.id() + " of DAG " + dagId() + ": " + first + " to " + last);
      Set<String> reported = new HashSet<>();
      client.followToSuccess(backfill, client.settings().waitTimeout(), runs -> out.println("  " + progress(runs, reported)));
      out.println("Backfill " + backfill.id() + " of DAG " + dagId() + " succeeded");
      return Lakemill.OK;
    }

    /**
     * {@code 1 of 3 date(s) done, 2 left (2026-11-01 success)}: the dates that ended since the last line (those in
     * {@code reported} were shown already).
     */
    static String progress(List<DagRun> runs, Set<String> reported) {
      long done = runs.stream().filter(DagRun::finished).count();
      List<String> ended = new ArrayList<>();
      for (DagRun r : runs) {
        String day = r.logicalDate() == null ? r.runId() : r.logicalDate().toString().substring(0, 10);
        if (r.finished() && reported.add(day)) {
          ended.add(day + " " + r.state());
        }
      }
      return done + " of " + runs.size() + " date(s) done, " + (runs.size() - done) + " left"
          + (ended.isEmpty() ? "" : " (" + String.join(", ", ended) + ")");
    }
  }

  @Command(name = "pause", description = "Pause a DAG: the scheduler starts none of its runs.")
  static final class Pause extends DagSubcommand {
    @Override
    int run(AirflowClient client, PrintStream out) {
      out.println("DAG " + dagId() + ": " + (client.setPaused(dagId(), true).paused() ? "paused" : "NOT paused"));
      return Lakemill.OK;
    }
  }

  @Command(name = "unpause", description = "Unpause a DAG (new DAG files start paused).")
  static final class Unpause extends DagSubcommand {
    @Override
    int run(AirflowClient client, PrintStream out) {
      out.println("DAG " + dagId() + ": " + (client.setPaused(dagId(), false).paused() ? "still paused" : "unpaused"));
      return Lakemill.OK;
    }
  }

  @Command(name = "import-errors",
      description = "List DAG files Airflow could not parse; exit code 1 if there are any.")
  static final class ImportErrors extends Subcommand {
    @Override
    int run(AirflowClient client, PrintStream out) {
      List<DagImportError> errors = client.importErrors();
      if (errors.isEmpty()) {
        out.println("No import errors");
        return Lakemill.OK;
      }
      for (DagImportError e : errors) {
        out.println(e.filename() + (e.timestamp() == null ? "" : " (" + e.timestamp() + ")"));
        for (String line : String.valueOf(e.stackTrace()).strip().split("\n")) {
          out.println("    " + line);
        }
      }
      out.println(errors.size() + " DAG file(s) with import errors");
      return Lakemill.RUN_FAILED;
    }
  }

  private AirflowCommand() {}
}
