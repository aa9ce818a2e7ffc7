package dev.lakemill.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakemill.PipelineFixture;
import dev.lakemill.engine.SparkSessions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as users call it: exit codes and what it prints. */
class CliTest {
  static final String CHURN_PREP = "../pipeline-defs/churn-prep.conf";
  static final String CONF = "../conf";

  @TempDir Path dir;

  /** The class's session: the in-process commands use it instead of starting and stopping their own. */
  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = PipelineFixture.localSpark("CliTest");
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  record Outcome(int exit, String out, String err) {}

  static Outcome lakemill(String... args) {
    return capture(() -> Lakemill.execute(args));
  }

  /** Runs {@code command} with stdout and stderr captured. */
  static Outcome capture(IntSupplier command) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int exit = command.getAsInt();
      return new Outcome(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  /**
   * A command line naming a command builds only that command (picocli's model of every command costs each
   * invocation about 0.1 s); the root's help and a misspelt name still see them all.
   */
  @Test
  void onlyTheNamedCommandIsBuiltWhileHelpAndMisspellingsSeeThemAll() {
    assertThat(Lakemill.commandLine(Map.of(), "--debug", "run", "validate.conf").getSubcommands().keySet())
        .containsExactly("run");
    assertThat(Lakemill.commandLine(Map.of(), "--help").getSubcommands()).hasSize(12);

    Outcome help = lakemill("--help");
    assertThat(help.exit()).isEqualTo(Lakemill.OK);
    assertThat(help.out()).contains("  validate ", "  run ", "  history ", "  drift ");
    Outcome misspelt = lakemill("hsitory");
    assertThat(misspelt.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(misspelt.err()).isEqualTo("""
        Unmatched argument at index 0: 'hsitory'
        Did you mean: lakemill history or lakemill doctor?
        See 'lakemill --help' for the options.
        """);
    Outcome models = lakemill("models", "--help");
    assertThat(models.out()).contains("  list ", "  show ", "  history ");
  }

  @Test
  void validateAcceptsTheExamples() {
    Outcome r = lakemill("validate", CHURN_PREP);

    assertThat(r.exit()).isEqualTo(Lakemill.OK);
    assertThat(r.out()).isEqualTo(CHURN_PREP + ": OK (pipeline churn-prep, 2 sources, 2 steps)\n");
  }

  @Test
  void validateReadsFileUrisThroughHadoopWithTheUriInItsMessages() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("uri"));
    Files.writeString(folder.resolve("sources.conf"), "sources { s { format = generate, generator = churn-customers, rows = 5 } }\n");
    Files.writeString(folder.resolve("ok.conf"), "pipeline { name = ok }\ninclude \"sources.conf\"\n"
        + "steps { a { type = sql, sql = \"SELECT * FROM s\", output = silver.a } }\n");
    Files.writeString(folder.resolve("bad.conf"), "pipeline { name = bad }\ninclude \"sources.conf\"\n"
        + "steps { a { type = sql, sql = \"SELECT * FROM ss\", output = silver.a } }\n");
    String ok = folder.toUri().resolve("ok.conf").toString();
    String bad = folder.toUri().resolve("bad.conf").toString();

    Outcome r = lakemill("validate", ok, bad);

    assertThat(ok).startsWith("file:/");
    assertThat(r.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(r.out()).isEqualTo(ok + ": OK (pipeline ok, 1 source, 1 step)\n");
    assertThat(r.err()).isEqualTo(bad + ": 3: steps.a.sql: Unknown table or step 'ss'; did you mean 's'?\n1 of 2 pipeline files invalid\n");
  }

  @Test
  void validateReportsEveryProblemWithFileAndLineAndExits2() throws IOException {
    Path bad = dir.resolve("bad.conf");
    Files.writeString(bad, """
        pipeline { name = bad }
        sources { plans { format = csv, path = plans.csv } }
        steps {
          prepare {
            type = sql
            sql = "SELECT * FROM plans"
            expectations { adult { check = "age >= 18", on-violaton = drop } }
          }
          report { type = sql, sql = "SELECT * FROM prepar" }
        }
        """);

    Outcome r = lakemill("validate", CHURN_PREP, bad.toString());

    assertThat(r.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(r.out()).isEqualTo(CHURN_PREP + ": OK (pipeline churn-prep, 2 sources, 2 steps)\n");
    assertThat(r.err()).isEqualTo(
        bad + ": 7: steps.prepare.expectations.adult.on-violaton: Unknown key 'on-violaton' in an expectation;"
            + " did you mean 'on-violation'?\n"
            + bad + ": 9: steps.report.sql: Unknown table or step 'prepar'; did you mean 'prepare'?\n"
            + "1 of 2 pipeline files invalid\n");
  }

  @Test
  void planPrintsTheDagWithoutSpark() {
    Outcome text = lakemill("plan", CHURN_PREP, "--conf", CONF);
    Outcome mermaid = lakemill("plan", CHURN_PREP, "--conf", CONF, "--format", "mermaid");
    Outcome wrong = lakemill("plan", CHURN_PREP, "--conf", CONF, "--format", "svg");

    assertThat(text.exit()).isZero();
    assertThat(text.out()).contains("  1. prepare  reads [customers, plans]  writes silver.customers (overwrite)");
    assertThat(mermaid.out()).startsWith("flowchart LR\n").contains("  prepare --> by_region\n");
    assertThat(wrong.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(wrong.err()).isEqualTo("Unknown --format 'svg'; use text, json, mermaid or dot\n");
  }

  @Test
  void usageErrorsExit2() {
    Outcome r = lakemill("run");

    assertThat(r.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(r.err()).startsWith("Missing required parameter: 'FILE'");
  }

  @Test
  void badEnvironmentAndRunIdAreRejectedBeforeSpark() {
    Path missingConf = dir.resolve("no-conf");

    Outcome noConf = lakemill("run", CHURN_PREP, "--conf", missingConf.toString());
    Outcome badId = lakemill("run", CHURN_PREP, "--conf", CONF, "--lakehouse", dir.resolve("lake").toString(),
        "--run-id", "it's mine");
    Outcome badStep = lakemill("run", CHURN_PREP, "--conf", CONF, "--steps", "by-regoin");

    assertThat(noConf.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(noConf.err()).isEqualTo(missingConf.resolve("application.conf") + ": Cannot read environment config:"
        + " it does not exist or is not a file; pass --conf <folder holding application.conf and local.conf>"
        + " or set LAKEMILL_CONF\n");
    assertThat(badId.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(badId.err()).isEqualTo("Cannot use run id 'it's mine': use up to 250 letters, digits and _ . ~ : + -"
        + " (no ..) (Airflow run ids qualify)\n");
    assertThat(badStep.err()).isEqualTo("Unknown step 'by-regoin' in --steps; did you mean 'by-region'?\n");
    assertThat(dir.resolve("lake")).doesNotExist();
  }

  @Test
  void runOfAnInvalidPipelineWritesNothing() {
    Path lake = dir.resolve("lake");

    Outcome r = lakemill("run", CHURN_PREP, "--conf", CONF, "--lakehouse", lake.toString(), "--param", "rowz=5");

    assertThat(r.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(r.err()).startsWith("command line --param: params.rowz: Unknown param 'rowz'; did you mean 'rows'?");
    assertThat(lake).doesNotExist();
  }

  /**
   * Text, then JSON (with --profile): the JSON alone on stdout, shaped as docs/OUTPUT.md shows; with a
   * short heartbeat period, and neither stream holds a control character (not a terminal).
   */
  @Test
  void runPrintsProgressAndSummaryThenHistoryShowsIt() {
    Path lake = dir.resolve("lake");

    System.setProperty("lakemill.progress.heartbeat", "200ms");
    Outcome run;
    Outcome second;
    try {
      run = lakemill("run", CHURN_PREP, "--conf", CONF, "--lakehouse", lake.toString(),
          "--param", "rows=2000", "--run-id", "cli-1");
      second = lakemill("run", CHURN_PREP, "--conf", CONF, "--lakehouse", lake.toString(),
          "--param", "rows=2000", "--steps", "by-region", "--run-id", "cli-2", "--force", "--format", "json", "--profile");
    } finally {
      System.clearProperty("lakemill.progress.heartbeat");
    }
    int sessions = SparkSessions.requests();
    Outcome history = lakemill("history", "--conf", CONF, "--lakehouse", lake.toString(), "--pipeline", "churn-prep");
    Outcome historyJson = lakemill("history", "--conf", CONF, "--lakehouse", lake.toString(), "--pipeline",
        "churn-prep", "--limit", "1", "--format", "json");
    assertThat(SparkSessions.requests()).as("history reads the ledger through Delta Kernel").isEqualTo(sessions);

    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(Lakemill.OK);
    assertThat(run.out())
        .startsWith("lakemill run churn-prep: run cli-1, 2 step(s), lakehouse " + lake + "\n")
        .containsPattern("\\[1/2\\] prepare +succeeded +\\d+\\.\\ds  rows in 2,000, out 1,9\\d\\d, quarantined \\d+ -> silver.customers@v0"
            + " \\(no earlier successful run\\)\n")
        .containsPattern("\\[2/2\\] by-region +succeeded .* -> gold.churn_by_region@v0 \\(no earlier successful run\\)\n")
        .contains("  warning: step prepare: expectation 'has-tenure'")
        .containsPattern("run cli-1 succeeded in \\d+\\.\\ds \\(ledger \\d+\\.\\ds\\)\n");
    assertThat(run.out()).containsPattern("\\[1/2\\] prepare +started +reads customers, plans\n");
    assertThat(second.exit()).as(second.err()).isEqualTo(Lakemill.OK);
    var json = OutputDocs.assertShapedLike("run", second.out());
    assertThat(json.get("run_id").asText()).isEqualTo("cli-2");
    assertThat(json.get("status").asText()).isEqualTo("succeeded");
    assertThat(json.get("params").get("rows").asText()).isEqualTo("2000");
    var byRegion = json.get("steps").get(0);
    assertThat(byRegion.get("name").asText()).isEqualTo("by-region");
    assertThat(byRegion.get("kind").asText()).isEqualTo("sql");
    assertThat(byRegion.get("reason").asText()).isEqualTo("forced (--force)");
    assertThat(byRegion.get("output_table").asText()).isEqualTo("gold.churn_by_region");
    assertThat(byRegion.get("output_version").asLong()).isEqualTo(1);
    assertThat(byRegion.get("rows_out").asLong()).isEqualTo(5);
    assertThat(byRegion.get("inputs").get(0).get("version").asLong()).isZero();
    assertThat(json.get("profile")).extracting(p -> p.get("phase").asText()).contains("lease", "Spark start",
        "abandoned-run check", "ledger query (latest done steps)", "step by-region (succeeded)", "ledger write (Delta Kernel)",
        "Spark stop");
    assertThat(second.err()).contains("lakemill run churn-prep: run cli-2, 1 step(s)", "[1/1] by-region      started",
        "\nprofile (wall clock)\nphase ");
    for (String printed : List.of(run.out(), run.err(), second.out(), second.err())) {
      assertThat(printed.chars().filter(c -> c < 0x20 && c != '\n')).as(printed).isEmpty();
    }
    assertThat(history.exit()).isZero();
    assertThat(history.out()).contains("churn-prep   succeeded cli-1", "churn-prep   succeeded cli-2",
        "    prepare          succeeded", "gold.churn_by_region@v1");
    assertThat(historyJson.exit()).isZero();
    var runs = OutputDocs.assertShapedLike("history", historyJson.out()).get("runs");
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).get("run_id").asText()).isEqualTo("cli-2");
    assertThat(runs.get(0).get("steps").get(0).get("output").asText()).isEqualTo("gold.churn_by_region");
  }

  @Test
  void aRerunSkipsUpToDateStepsAndPlanSaysWhatRunWouldDo() {
    Path lake = dir.resolve("lake");
    List<String> base = List.of(CHURN_PREP, "--conf", CONF, "--lakehouse", lake.toString(), "--param", "rows=500");

    Outcome fresh = lakemill(args("plan", base));
    Outcome first = lakemill(args("run", base, "--run-id", "c-1"));
    int sessions = SparkSessions.requests();
    Outcome second = lakemill(args("run", base, "--run-id", "c-2", "--profile"));
    assertThat(SparkSessions.requests()).as("a run with nothing to do decides and records without Spark")
        .isEqualTo(sessions);
    Outcome plan = lakemill(args("plan", base, "--force-steps", "by-region"));
    assertThat(SparkSessions.requests()).as("plan reads through Delta Kernel and file listings").isEqualTo(sessions);
    Outcome history = lakemill("history", "--conf", CONF, "--lakehouse", lake.toString(), "--limit", "1");
    Outcome nothing = lakemill(args("run", base, "--resume"));
    assertThat(SparkSessions.requests()).as("--resume reads the ledger through Delta Kernel").isEqualTo(sessions);
    Outcome unknown = lakemill(args("run", base, "--resume", "nope"));
    Outcome mixed = lakemill(args("run", base, "--resume", "--steps", "prepare"));
    Outcome badForce = lakemill(args("run", base, "--force-steps", "by-regoin"));

    assertThat(fresh.out()).endsWith("run would run every step: no earlier run (no ledger at " + lake + "/_lakemill)\n");
    assertThat(first.out()).containsPattern("\\[1/2\\] prepare +succeeded .* -> silver.customers@v0 \\(no earlier successful run\\)\n");
    assertThat(second.exit()).isZero();
    assertThat(second.out())
        .containsPattern("\\[1/2\\] prepare +skipped +\\d+\\.\\ds  up to date \\(run c-1\\) -> silver.customers@v0\n")
        .containsPattern("\\[2/2\\] by-region +skipped +\\d+\\.\\ds  up to date \\(run c-1\\) -> gold.churn_by_region@v0\n");
    assertThat(second.err()).contains("ledger write (Delta Kernel)").doesNotContain("Spark start");
    // The no-change run is in the ledger as any other run, written through Delta Kernel.
    assertThat(history.out()).contains("churn-prep   succeeded c-2", "    prepare          skipped",
        "    by-region        skipped");
    // The reason names the run that wrote v0 (c-1), not the later run that skipped (c-2).
    assertThat(plan.out()).endsWith("run would (ledger at " + lake + "/_lakemill):\n"
        + "  prepare    SKIP  up to date (run c-1), reuses v0\n"
        + "  by-region  RUN   forced (--force)\n");
    assertThat(nothing.exit()).isZero();
    assertThat(nothing.out()).isEqualTo("Nothing to resume: run c-2 of pipeline churn-prep has no failed or never-run steps\n");
    assertThat(unknown.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(unknown.err()).isEqualTo("Cannot resume run nope: the ledger at " + lake + "/_lakemill has no run nope of"
        + " pipeline churn-prep (lakemill history lists the runs)\n");
    assertThat(mixed.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(mixed.err()).isEqualTo("--resume picks the run and its steps itself: do not combine it with --run-id,"
        + " --steps or --from\n");
    assertThat(badForce.err()).isEqualTo("Unknown step 'by-regoin' in --force-steps; did you mean 'by-region'?\n");
  }

  @Test
  void resumeRerunsOnlyTheFailedStepUnderTheSameRunId() throws IOException {
    Path file = dir.resolve("resume.conf");
    String pipeline = """
        pipeline { name = resume }
        params { limit = 0 }
        sources { customers { format = generate, generator = churn-customers, rows = 50 } }
        steps {
          people { type = sql, sql = "SELECT customer_id, age FROM customers", output = silver.people }
          few {
            type = sql
            sql = "SELECT count(*) AS n FROM people"
            expectations { enough { check = "n >= ${params.limit}" } }
            output = gold.few
          }
        }
        """;
    Files.writeString(file, pipeline);
    List<String> base = List.of(file.toString(), "--conf", CONF, "--lakehouse", dir.resolve("lake").toString());

    Outcome failed = lakemill(args("run", base, "--run-id", "r-1", "--param", "limit=1000"));
    Outcome resumed = lakemill(args("run", base, "--resume"));

    assertThat(failed.exit()).as(failed.out() + failed.err()).isEqualTo(Lakemill.RUN_FAILED);
    assertThat(resumed.exit()).as(resumed.out() + resumed.err()).isZero();
    assertThat(resumed.out()).startsWith("resuming run r-1 (failed): few\nlakemill run resume: run r-1, 1 step(s)")
        .containsPattern("\\[1/1\\] few +succeeded .* -> gold.few@v0");
  }

  private static String[] args(String command, List<String> base, String... more) {
    List<String> all = new java.util.ArrayList<>();
    all.add(command);
    all.addAll(base);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  @Test
  void aBadCsvRecordFailsTheRunWithFileLineAndRecordAndExits1() throws IOException {
    Path csv = Files.writeString(dir.resolve("plans.csv"), "plan,monthly_fee\nbasic,9.99\nstandard,abc\n");
    Path file = dir.resolve("plans.conf");
    Files.writeString(file, """
        pipeline { name = plans }
        sources { plans { format = csv, path = plans.csv, options { header = "true" }, schema = "plan STRING, monthly_fee DOUBLE" } }
        steps { copy { type = sql, sql = "SELECT * FROM plans", output = silver.plans } }
        """);

    Outcome r = lakemill("run", file.toString(), "--conf", CONF, "--lakehouse", dir.resolve("lake").toString());

    String error = "Step 'copy' failed: Source 'plans': bad record in " + csv + " at line 3: 'standard,abc' (value"
        + " 'abc' of column monthly_fee is not a valid DOUBLE). Nothing was written. Fix the file or the schema, or set"
        + " on-bad-records = quarantine to set bad records aside";
    assertThat(r.exit()).isEqualTo(Lakemill.RUN_FAILED);
    assertThat(r.out()).containsPattern("\\[1/1\\] copy +failed +\\d+\\.\\ds  " + Pattern.quote(error) + "\n")
        .endsWith("error: " + error + "\n");
    assertThat(dir.resolve("lake/silver/plans/_delta_log/00000000000000000000.json")).doesNotExist();
  }

  @Test
  void aFailedRunExits1() throws IOException {
    Path file = dir.resolve("fails.conf");
    Files.writeString(file, """
        pipeline { name = fails }
        sources { customers { format = generate, generator = churn-customers, rows = 50 } }
        steps { s { type = sql, sql = "SELECT * FROM customers", expectations { kids { check = "age < 18" } }, output = silver.s } }
        """);

    Outcome r = lakemill("run", file.toString(), "--conf", CONF, "--lakehouse", dir.resolve("lake").toString());

    assertThat(r.exit()).isEqualTo(Lakemill.RUN_FAILED);
    assertThat(r.out()).containsPattern("\\[1/1\\] s +failed .*Step 's' failed: expectation 'kids' \\(check age < 18\\) failed on \\d+ of 50 rows")
        .contains("error: Step 's' failed");
  }
}
