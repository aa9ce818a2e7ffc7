package dev.lakemill.jobs;

import static dev.lakemill.jobs.CliTest.CHURN_PREP;
import static dev.lakemill.jobs.CliTest.CONF;
import static dev.lakemill.jobs.CliTest.lakemill;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakemill.jobs.CliTest.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Every exit code of the command line through {@link Lakemill#execute}, with what it prints. One failed
 * run (exit 1) writes the ledger that the damaged-state cases copy and break; the rest needs no Spark.
 */
class ExitCodesTest {
  @TempDir static Path dir;
  static Path file;
  static Path lake;
  static Outcome failed;

  /** One step whose expectation fails: exit 1, and a ledger with one run. */
  @BeforeAll
  static void failedRun() throws IOException {
    file = Files.writeString(dir.resolve("fails.conf"), """
        pipeline { name = fails }
        sources { customers { format = generate, generator = churn-customers, rows = 50 } }
        steps { s { type = sql, sql = "SELECT * FROM customers", expectations { kids { check = "age < 18" } }, output = silver.s } }
        """);
    lake = dir.resolve("lake");
    failed = run(lake);
  }

  private static Outcome run(Path lakehouse) {
    return lakemill("run", file.toString(), "--conf", CONF, "--lakehouse", lakehouse.toString(), "--run-id", "r-1");
  }

  @Test
  void success0() {
    Outcome r = lakemill("validate", CHURN_PREP);

    assertThat(r.exit()).isEqualTo(Lakemill.OK).isZero();
    assertThat(r.err()).isEmpty();
  }

  @Test
  void aFailedRun1() {
    assertThat(failed.exit()).as(failed.out() + failed.err()).isEqualTo(Lakemill.RUN_FAILED).isEqualTo(1);
    assertThat(failed.out()).containsPattern("\\[1/1\\] s +failed .*Step 's' failed: expectation 'kids'")
        .contains("error: Step 's' failed");
    assertThat(failed.err()).isEmpty();
  }

  /** Backfill: a range that ends before it starts is invalid input (2, before Spark); a failed date fails it (1). */
  @Test
  void backfillInvalidRange2AndFailedDate1() throws IOException {
    Path daily = Files.writeString(dir.resolve("fails-daily.conf"), """
        pipeline { name = fails-daily }
        params { run-date = "2026-11-01" }
        sources { customers { format = generate, generator = churn-customers, rows = 50 } }
        steps { s { type = sql, sql = "SELECT * FROM customers", expectations { kids { check = "age < 18" } }, output = silver.s } }
        """);
    Path backfillLake = dir.resolve("backfill-lake");
    Outcome range = lakemill("backfill", daily.toString(), "--conf", CONF, "--lakehouse", backfillLake.toString(),
        "--param", "run-date=2026-11-02..2026-11-01");
    Outcome date = lakemill("backfill", daily.toString(), "--conf", CONF, "--lakehouse", backfillLake.toString(),
        "--param", "run-date=2026-11-01..2026-11-02");

    assertThat(range.exit()).isEqualTo(Lakemill.INVALID).isEqualTo(2);
    assertThat(range.err()).isEqualTo("Cannot backfill --param run-date=2026-11-02..2026-11-01: the range ends"
        + " (2026-11-01) before it starts (2026-11-02); write the first date first, e.g. --param"
        + " run-date=2026-11-01..2026-11-02\n");
    assertThat(date.exit()).as(date.out() + date.err()).isEqualTo(Lakemill.RUN_FAILED).isEqualTo(1);
    assertThat(date.out()).contains("backfill fails-daily --param run-date=2026-11-01..2026-11-02 failed at 2026-11-01")
        .contains("  failed:    2026-11-01 (run backfill-fails-daily-2026-11-01): Step 's' failed: expectation 'kids'")
        .contains("  left:      1 date(s), not run (2026-11-02)\n");
    assertThat(date.err()).isEmpty();
  }

  @Test
  void invalidInput2WithoutSpark() {
    Outcome usage = lakemill("history", "--limit");
    Outcome limit = lakemill("history", "--limit", "-5", "--conf", CONF);
    Outcome spaceInKey = lakemill("plan", file.toString(), "--conf", CONF, "--param", "a b=1");
    Outcome colonInKey = lakemill("plan", file.toString(), "--conf", CONF, "--param", "a:b=1");
    Outcome emptyKey = lakemill("validate", file.toString(), "--param", "=1");
    Outcome format = lakemill("plan", file.toString(), "--conf", CONF, "--format", "svg");

    assertThat(List.of(usage.exit(), limit.exit(), spaceInKey.exit(), colonInKey.exit(), emptyKey.exit(), format.exit()))
        .containsOnly(Lakemill.INVALID);
    assertThat(usage.err()).startsWith("Missing required parameter for option '--limit'");
    assertThat(limit.err()).isEqualTo("Cannot use --limit -5: give the number of runs to show, e.g. --limit 10\n");
    assertThat(spaceInKey.err()).isEqualTo("command line --param: params.a b: Unknown param 'a b' (declare it under"
        + " params in " + file + " first)\n");
    assertThat(colonInKey.err()).isEqualTo("command line --param: params: Cannot use --param 'a:b': a param name has"
        + " letters, digits, - and _, and names a key declared under params, e.g. --param rows=2000\n");
    assertThat(emptyKey.err()).isEqualTo("command line --param: params: Cannot use --param '': a param name has"
        + " letters, digits, - and _, and names a key declared under params, e.g. --param rows=2000\n"
        + "1 of 1 pipeline files invalid\n");
    assertThat(format.err()).isEqualTo("Unknown --format 'svg'; use text, json, mermaid or dot\n");
    assertThat(Stream.of(usage, limit, spaceInKey, colonInKey, emptyKey, format).map(Outcome::err)).noneMatch(e -> e.contains("\tat "));
  }

  /** Every usage error ends with "See 'lakemill X --help'", so every command and subcommand answers --help. */
  @Test
  void everyCommandAnswersHelpWithItsUsageAndExit0() {
    List<String> commands = new java.util.ArrayList<>();
    collect(Lakemill.commandLine(Map.of()), commands);
    assertThat(commands).contains("lakemill run", "lakemill validate", "lakemill plan", "lakemill dags generate",
        "lakemill models list", "lakemill airflow trigger").hasSizeGreaterThan(30);

    for (String command : commands) {
      String[] args = (command.substring("lakemill".length()).trim() + " --help").trim().split(" ");
      Outcome help = lakemill(args);
      assertThat(help.exit()).as(command + ": " + help.err()).isZero();
      assertThat(help.out()).as(command).startsWith("Usage: " + command + " ").contains("-h, --help");
      assertThat(help.err()).as(command).isEmpty();
    }
  }

  private static void collect(CommandLine cli, List<String> into) {
    into.add(cli.getCommandSpec().qualifiedName());
    cli.getSubcommands().values().forEach(sub -> collect(sub, into));
  }

  @Test
  void badOptionValuesAndDeepNestingExit2WithAMessage() throws IOException {
    Path deep = Files.writeString(dir.resolve("deep.conf"), "pipeline { name = deep }\nx = "
        + "{ a = ".repeat(3000) + "1" + " }".repeat(3000) + "\n");

    Outcome noValue = lakemill("plan", file.toString(), "--conf", CONF, "--param", "x");
    Outcome notANumber = lakemill("history", "--limit", "ten", "--conf", CONF);
    Outcome nested = lakemill("validate", deep.toString());

    assertThat(List.of(noValue.exit(), notANumber.exit(), nested.exit())).containsOnly(Lakemill.INVALID);
    assertThat(noValue.err()).isEqualTo("Value for option option '--param' (KEY=VALUE) should be in KEY=VALUE format"
        + " but was x\nSee 'lakemill plan --help' for the options.\n");
    assertThat(notANumber.err()).isEqualTo("Invalid value for option '--limit': 'ten' is not an int\n"
        + "See 'lakemill history --help' for the options.\n");
    assertThat(nested.err()).isEqualTo(deep + ": Cannot read the file: its objects or arrays are nested too deeply"
        + " (reading it overflowed the stack); a pipeline needs a few levels, so flatten it\n"
        + "1 of 1 pipeline files invalid\n");
  }

  /** ESC, CR, C1 and bidi overrides from arguments or files reach the terminal escaped. */
  @Test
  void controlCharactersInMessagesAreEscaped() throws IOException {
    Path evil = Files.writeString(dir.resolve("evil.conf"), """
        pipeline { name = evil }
        steps { s { type = "sq\\u001bl", sql = "SELECT 1" } }
        """);

    Outcome runId = lakemill("run", file.toString(), "--conf", CONF, "--run-id", "r\u202e1\r");
    Outcome option = lakemill("history", "--limit\u001b[2J");
    Outcome param = lakemill("plan", file.toString(), "--conf", CONF, "--param", "a\u009bb=1");
    Outcome key = lakemill("validate", evil.toString());

    assertThat(runId.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(runId.err()).isEqualTo("Cannot use run id 'r\\u202e1\\u000d': use up to 250 letters, digits and"
        + " _ . ~ : + - (no ..) (Airflow run ids qualify)\n");
    assertThat(option.err()).startsWith("Unknown option: '--limit\\u001b[2J'");
    assertThat(param.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(param.err()).startsWith("command line --param: params").contains("'a\\u009bb'");
    assertThat(key.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(key.err()).startsWith(evil + ": 2: ").contains("sq\\u001bl");
    assertThat(Stream.of(runId, option, param, key).map(o -> o.out() + o.err()))
        .noneMatch(text -> text.chars().anyMatch(c -> c == 0x1b || c == '\r' || c == 0x9b || c == 0x202e));
  }

  @Test
  void aGarbledLedgerCommit3ForHistoryPlanAndRun() throws IOException {
    Path copy = DamagedStateTest.copy(lake, dir.resolve("garbled"));
    Path steps = copy.resolve("_lakemill/steps");
    // A torn write: the newest commit of the steps table is not JSON.
    Files.writeString(steps.resolve("_delta_log/00000000000000000001.json"), "{\"commitInfo\": {\"timestamp\": 17");

    Outcome history = lakemill("history", "--conf", CONF, "--lakehouse", copy.toString());
    Outcome plan = lakemill("plan", file.toString(), "--conf", CONF, "--lakehouse", copy.toString());
    Outcome rerun = run(copy);

    for (Outcome r : List.of(history, plan, rerun)) {
      assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(Lakemill.DAMAGED).isEqualTo(3);
      assertThat(r.err()).as(r.err())
          .startsWith("The run ledger table at " + steps + " is damaged: Delta cannot read it (")
          .contains("00000000000000000001.json")
          .endsWith("). Nothing was changed. To repair it, if its newest commit is a torn write, move " + steps
              + "/_delta_log/00000000000000000001.json aside (the table is then at v0), or move the folder " + steps
              + " aside to start a new, empty table; then lakemill doctor checks the whole lakehouse\n")
          .doesNotContain("\tat ");
      assertThat(r.err().lines()).hasSize(1);
    }
    // The run stopped before its first step, and blames none.
    assertThat(rerun.out()).doesNotContain("[1/1]").doesNotContain("Step 's'");
  }

  @Test
  void aMissingLedgerDataFile3() throws IOException {
    Path copy = DamagedStateTest.copy(lake, dir.resolve("missing"));
    Path runs = copy.resolve("_lakemill/runs");
    try (Stream<Path> files = Files.list(runs)) {
      for (Path parquet : files.filter(p -> p.toString().endsWith(".parquet")).toList()) {
        Files.delete(parquet);
      }
    }

    Outcome history = lakemill("history", "--conf", CONF, "--lakehouse", copy.toString());

    assertThat(history.exit()).as(history.out() + history.err()).isEqualTo(Lakemill.DAMAGED);
    assertThat(history.err()).startsWith("The run ledger table at " + runs + " is damaged: Delta cannot read it (")
        .endsWith("). Nothing was changed. To repair it, move the folder " + runs + " aside to start a new, empty"
            + " table; then lakemill doctor checks the whole lakehouse\n")
        .doesNotContain("\tat ");
    assertThat(history.err().lines()).hasSize(1);
  }

  @Test
  void anUnreachableAirflow4() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path conf = Files.createDirectories(dir.resolve("airflow-conf"));
    Files.writeString(conf.resolve("application.conf"),
        "lakemill.airflow { connect-timeout = 1s, max-attempts = 1, backoff = 5ms, max-backoff = 5ms }\n");
    Files.writeString(conf.resolve("local.conf"), "");

    Outcome r = lakemill("airflow", "health", "--conf", conf.toString(), "--airflow-url", "http://127.0.0.1:" + port);

    assertThat(r.exit()).isEqualTo(Lakemill.UNREACHABLE).isEqualTo(4);
    assertThat(r.err()).startsWith("Cannot reach Airflow at http://127.0.0.1:" + port + " for GET ")
        .endsWith(": connection refused (1 attempt); check lakemill.airflow.url (or --airflow-url) and that the API"
            + " server is running\n");
  }

  /** A command with a bug: what is not a LakemillException is an internal error. */
  @Command(name = "boom")
  static final class Boom implements Callable<Integer> {
    @Override
    public Integer call() {
      Map<String, String> none = null;
      return none.size();
    }
  }

  @Test
  void anInternalError70InOneLineWithoutStackTrace() {
    Outcome r = withBoom(Map.of(), "boom");

    assertThat(r.exit()).isEqualTo(Lakemill.INTERNAL).isEqualTo(70);
    assertThat(r.err()).startsWith("lakemill: internal error: java.lang.NullPointerException: ")
        .endsWith(". This is a bug in lakemill; rerun with --debug for the stack trace and report it\n");
    assertThat(r.err().lines()).hasSize(1);
  }

  @Test
  void debugPrintsTheStackTrace() {
    Outcome flag = withBoom(Map.of(), "boom", "--debug");
    Outcome before = withBoom(Map.of(), "--debug", "boom");
    Outcome variable = withBoom(Map.of(Lakemill.DEBUG_VARIABLE, "1"), "boom");
    Outcome user = lakemill("history", "--limit", "0", "--debug");

    for (Outcome r : List.of(flag, before, variable)) {
      assertThat(r.exit()).isEqualTo(Lakemill.INTERNAL);
      assertThat(r.err()).startsWith("lakemill: internal error: java.lang.NullPointerException: ")
          .contains("\njava.lang.NullPointerException: ", "\tat dev.lakemill.jobs.ExitCodesTest$Boom.call(");
    }
    assertThat(user.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(user.err()).startsWith("Cannot use --limit 0: give the number of runs to show, e.g. --limit 10\n"
        + "dev.lakemill.error.LakemillException: Cannot use --limit 0").contains("\tat dev.lakemill.jobs.");
  }

  private static Outcome withBoom(Map<String, String> environment, String... args) {
    return CliTest.capture(() -> {
      CommandLine cli = Lakemill.commandLine(environment);
      cli.addSubcommand(new Boom());
      return cli.execute(args);
    });
  }
}
