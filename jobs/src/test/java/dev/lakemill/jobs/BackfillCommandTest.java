package dev.lakemill.jobs;

import static dev.lakemill.jobs.CliTest.lakemill;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakemill.PipelineFixture;
import dev.lakemill.jobs.CliTest.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lakemill backfill} in the test JVM, on one shared SparkSession: a one-step pipeline that writes one
 * partition per run date and fails on the dates listed in {@code blocked.csv}.
 */
class BackfillCommandTest {
  private static final String PIPELINE = """
      pipeline { name = days }
      params { run-date = "2026-11-01", label = x }
      sources { blocked { format = csv, path = blocked.csv, options { header = "true" }, schema = "d DATE" } }
      steps {
        day {
          type = sql
          sql = "SELECT ${params.run-date} AS run_date, ${params.label} AS label, count(d) AS blocked FROM blocked WHERE d = ${params.run-date}"
          expectations { open { check = "blocked = 0" } }
          output { table = t.days, mode = replace-partitions, partition-by = [run_date] }
        }
      }
      """;

  @TempDir Path dir;
  private Path lake;
  private List<String> base;

  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = PipelineFixture.localSpark("BackfillCommandTest");
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @BeforeEach
  void pipeline() throws IOException {
    Files.writeString(dir.resolve("days.conf"), PIPELINE);
    block();
    lake = dir.resolve("lake");
    base = List.of(dir.resolve("days.conf").toString(), "--conf", CliTest.CONF, "--lakehouse", lake.toString());
  }

  @Test
  void runsEachDateInOrderUnderItsOwnRunIdAndSkipsThemOnceUpToDate() {
    Outcome first = backfill("--param", "run-date=2026-11-01..2026-11-03");
    Outcome again = backfill("--param", "run-date=2026-11-01..2026-11-03", "--format", "json");
    Outcome nothing = backfill("--param", "run-date=2026-11-01..2026-11-03", "--resume", "--format", "json");
    List<String> ledger = runs();
    Outcome changed = backfill("--param", "run-date=2026-11-01..2026-11-03", "--every", "2", "--param", "label=y");

    assertThat(first.exit()).as(first.out() + first.err()).isZero();
    assertThat(first.out())
        .startsWith("lakemill backfill days: 3 date(s), --param run-date=2026-11-01..2026-11-03, lakehouse " + lake + "\n"
            + "[1/3] 2026-11-01 started    run backfill-days-2026-11-01, 1 step(s)\n")
        .containsPattern("\\[1/1\\] day +succeeded .* -> t.days@v0 \\(no earlier successful run\\)\n\\[1/3\\] 2026-11-01 succeeded +\\d+\\.\\ds  run"
            + " backfill-days-2026-11-01; 2 date\\(s\\) left\n")
        .contains("[3/3] 2026-11-03 started    run backfill-days-2026-11-03, 1 step(s)\n")
        .containsPattern("\\[3/3\\] 2026-11-03 succeeded +\\d+\\.\\ds  run backfill-days-2026-11-03; 0 date\\(s\\) left\n")
        .containsPattern("\nbackfill days --param run-date=2026-11-01..2026-11-03 succeeded in \\d+\\.\\ds\n"
            + "  succeeded: 3 date\\(s\\) \\(2026-11-01, 2026-11-02, 2026-11-03\\)\n"
            + "  skipped:   0 date\\(s\\)\n$");
    assertThat(ledger).as("skipped dates run nothing and record nothing").containsExactly(
        "backfill-days-2026-11-01 succeeded", "backfill-days-2026-11-02 succeeded", "backfill-days-2026-11-03 succeeded");
    assertThat(days()).containsExactly("2026-11-01", "2026-11-02", "2026-11-03");

    assertThat(again.exit()).as(again.out() + again.err()).isZero();
    assertThat(again.err()).contains("[2/3] 2026-11-02 skipped    up to date (run backfill-days-2026-11-02 succeeded"
        + " with this config); 1 date(s) left\n");
    JsonNode json = OutputDocs.assertShapedLike("backfill", again.out());
    assertThat(json.get("status").asText()).isEqualTo("succeeded");
    assertThat(json.get("range").asText()).isEqualTo("2026-11-01..2026-11-03");
    List<String> dates = new ArrayList<>();
    json.get("dates").forEach(d -> dates.add(d.get("date").asText() + " " + d.get("run_id").asText() + " "
        + d.get("status").asText()));
    assertThat(dates).containsExactly("2026-11-01 backfill-days-2026-11-01 skipped",
        "2026-11-02 backfill-days-2026-11-02 skipped", "2026-11-03 backfill-days-2026-11-03 skipped");

    assertThat(nothing.exit()).as(nothing.out() + nothing.err()).isZero();
    assertThat(nothing.err()).endsWith("Nothing to resume: every date of --param run-date=2026-11-01..2026-11-03"
        + " succeeded (pipeline days)\n");
    JsonNode resumed = OutputDocs.assertShapedLike("backfill", nothing.out());
    assertThat(resumed.get("status").asText()).isEqualTo("succeeded");
    List<String> reasons = new ArrayList<>();
    resumed.get("dates").forEach(d -> reasons.add(d.get("date").asText() + " " + d.get("status").asText() + " "
        + d.get("reason").asText()));
    assertThat(reasons).containsExactly(
        "2026-11-01 skipped succeeded before (run backfill-days-2026-11-01); nothing to resume",
        "2026-11-02 skipped succeeded before (run backfill-days-2026-11-02); nothing to resume",
        "2026-11-03 skipped succeeded before (run backfill-days-2026-11-03); nothing to resume");

    assertThat(changed.exit()).as(changed.out() + changed.err()).isZero();
    assertThat(changed.out()).startsWith("lakemill backfill days: 2 date(s), --param run-date=2026-11-01..2026-11-03"
            + " every 2 days, lakehouse ")
        .as("another param value changes the step's config: the dates run again")
        .contains("[1/2] 2026-11-01 started    run backfill-days-2026-11-01, 1 step(s)\n")
        .contains("[2/2] 2026-11-03 started    run backfill-days-2026-11-03, 1 step(s)\n");
    assertThat(runs()).containsExactly(
        "backfill-days-2026-11-01 succeeded", "backfill-days-2026-11-02 succeeded", "backfill-days-2026-11-03 succeeded",
        "backfill-days-2026-11-01 succeeded", "backfill-days-2026-11-03 succeeded");
  }

  @Test
  void aFailedDateStopsTheBackfillAndResumeContinuesFromIt() throws IOException {
    block("2026-11-02");
    Outcome failed = backfill("--param", "run-date=2026-11-01..2026-11-03");
    List<String> afterFailure = runs();
    block();
    Outcome resumed = backfill("--param", "run-date=2026-11-01..2026-11-03", "--resume");

    assertThat(failed.exit()).as(failed.out() + failed.err()).isEqualTo(Lakemill.RUN_FAILED);
    String error = "Step 'day' failed: expectation 'open' (check blocked = 0) failed on 1 of 1 rows. Nothing was"
        + " written. Fix the data or the SQL, or relax on-violation to drop or warn";
    assertThat(failed.out())
        .containsPattern("\\[2/3\\] 2026-11-02 failed +\\d+\\.\\ds  run backfill-days-2026-11-02: \\Q" + error + "\\E\n")
        .containsPattern("\nbackfill days --param run-date=2026-11-01..2026-11-03 failed at 2026-11-02 in \\d+\\.\\ds\n"
            + "  succeeded: 1 date\\(s\\) \\(2026-11-01\\)\n"
            + "  skipped:   0 date\\(s\\)\n"
            + "  failed:    2026-11-02 \\(run backfill-days-2026-11-02\\): \\Q" + error + "\\E\n"
            + "  left:      1 date\\(s\\), not run \\(2026-11-03\\)\n"
            + "Fix the cause, then rerun with --resume to continue from 2026-11-02\n$")
        .doesNotContain("2026-11-03 started");
    assertThat(afterFailure).containsExactly("backfill-days-2026-11-01 succeeded", "backfill-days-2026-11-02 failed");

    assertThat(resumed.exit()).as(resumed.out() + resumed.err()).isZero();
    assertThat(resumed.out())
        .contains("[1/3] 2026-11-01 skipped    succeeded before (run backfill-days-2026-11-01); --resume does not"
            + " compare its config; 2 date(s) left\n")
        .contains("[2/3] 2026-11-02 started    run backfill-days-2026-11-02, 1 step(s)\n")
        .contains("[3/3] 2026-11-03 started    run backfill-days-2026-11-03, 1 step(s)\n")
        .containsPattern("  succeeded: 2 date\\(s\\) \\(2026-11-02, 2026-11-03\\)\n  skipped:   1 date\\(s\\)"
            + " \\(2026-11-01\\)\n$");
    assertThat(runs()).containsExactly("backfill-days-2026-11-01 succeeded", "backfill-days-2026-11-02 failed",
        "backfill-days-2026-11-02 succeeded", "backfill-days-2026-11-03 succeeded");
    assertThat(days()).containsExactly("2026-11-01", "2026-11-02", "2026-11-03");
  }

  @Test
  void rejectsBadRangesBeforeAnySparkWork() {
    Map<String[], String> cases = new java.util.LinkedHashMap<>();
    cases.put(new String[] {"--param", "run-date=2026-11-30..2026-11-01"}, "Cannot backfill --param"
        + " run-date=2026-11-30..2026-11-01: the range ends (2026-11-01) before it starts (2026-11-30); write the first"
        + " date first, e.g. --param run-date=2026-11-01..2026-11-30");
    cases.put(new String[] {"--param", "run-date=2026-11-01.."}, "Cannot read --param run-date=2026-11-01..: a range"
        + " is FROM..TO with two ISO dates (yyyy-mm-dd), both included, e.g. --param run-date=2026-11-01..2026-11-30");
    cases.put(new String[] {"--param", "run-date=2026-11-01..2026-11-30..2026-12-01"}, "Cannot read --param"
        + " run-date=2026-11-01..2026-11-30..2026-12-01: a range is FROM..TO with two ISO dates (yyyy-mm-dd), both"
        + " included, e.g. --param run-date=2026-11-01..2026-11-30");
    cases.put(new String[] {"--param", "run-date=2026-11-1..2026-11-30"}, "Cannot read --param"
        + " run-date=2026-11-1..2026-11-30: '2026-11-1' is not an ISO date; write yyyy-mm-dd, e.g. --param"
        + " run-date=2026-11-01..2026-11-30");
    cases.put(new String[] {"--param", "label=y"}, "lakemill backfill needs one --param whose value is a date range"
        + " FROM..TO (ISO dates, both included), e.g. --param run-date=2026-11-01..2026-11-30");
    cases.put(new String[] {"--param", "run-date=2026-11-01..2026-11-02", "--param", "label=2026-11-01..2026-11-02"},
        "Cannot backfill over more than one range: --param run-date=2026-11-01..2026-11-02, --param"
            + " label=2026-11-01..2026-11-02 are all ranges; give FROM..TO to one param and a single value to the others");
    cases.put(new String[] {"--param", "run-dat=2026-11-01..2026-11-02"}, "command line --param: params.run-dat: Unknown"
        + " param 'run-dat'; did you mean 'run-date'? (declare it under params in " + dir.resolve("days.conf")
        + " first)");
    cases.put(new String[] {"--param", "run-date=2026-11-01..2026-11-02", "--every", "0"}, "Cannot use --every 0:"
        + " give the stride in days, 1 or more (1, the default, runs every date of the range)");
    cases.put(new String[] {"--param", "run-date=2016-01-01..2026-01-31"}, "Cannot backfill --param"
        + " run-date=2016-01-01..2026-01-31: it holds 3684 dates, more than 3660 (ten years); split it into several"
        + " backfills or pass a larger --every");
    cases.put(new String[] {"--param", "run-date=2026-11-01..2026-11-02", "--resume"}, "Nothing to resume: the ledger"
        + " at " + lake + "/_lakemill has no backfill run of pipeline days between 2026-11-01 and 2026-11-02; run the"
        + " backfill without --resume to start it");
    List<String> seen = new ArrayList<>();
    cases.forEach((args, message) -> {
      Outcome r = backfill(args);
      seen.add(r.exit() + " " + r.err());
    });

    assertThat(seen).containsExactlyElementsOf(cases.values().stream().map(m -> Lakemill.INVALID + " " + m + "\n")
        .toList());
    // All but --resume fail before Spark; --resume finds a lakehouse without a ledger and writes nothing to it.
    assertThat(lake.resolve("_lakemill/runs")).doesNotExist();
    assertThat(lake.resolve("t")).doesNotExist();
  }

  @Test
  void aRangeOfDatesIsEveryStrideDaysFromItsStartUpToItsEndIncluded() {
    assertThat(BackfillCommand.Range.of(Map.of("run-date", "2026-11-28..2026-12-03", "rows", "5"), 2).dates())
        .containsExactly(LocalDate.parse("2026-11-28"), LocalDate.parse("2026-11-30"), LocalDate.parse("2026-12-02"));
    assertThat(BackfillCommand.Range.of(Map.of("run-date", "2026-11-01..2026-11-01", "path", "../data"), 1).dates())
        .containsExactly(LocalDate.parse("2026-11-01"));
    assertThatThrownBy(() -> BackfillCommand.Range.of(Map.of("path", "../data"), 1))
        .hasMessageStartingWith("lakemill backfill needs one --param whose value is a date range");
  }

  private Outcome backfill(String... more) {
    List<String> all = new ArrayList<>(List.of("backfill"));
    all.addAll(base);
    all.addAll(List.of(more));
    return lakemill(all.toArray(String[]::new));
  }

  private void block(String... dates) throws IOException {
    // 2000-01-01 blocks no date of the tests: a CSV source with no records fails the run.
    Files.writeString(dir.resolve("blocked.csv"), "d\n2000-01-01\n" + String.join("\n", dates) + (dates.length > 0 ? "\n" : ""));
  }

  /** The ledger's runs in the order they started, as {@code run_id status}. */
  private List<String> runs() {
    if (!Files.exists(lake.resolve("_lakemill/runs"))) {
      return List.of();
    }
    return spark.read().format("delta").load(lake.resolve("_lakemill/runs").toString()).orderBy("started_at")
        .selectExpr("concat(run_id, ' ', status)").collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  private List<String> days() {
    return spark.read().format("delta").load(lake.resolve("t/days").toString()).orderBy("run_date")
        .selectExpr("CAST(run_date AS STRING)").collectAsList().stream().map((Row r) -> r.getString(0)).toList();
  }
}
