package dev.lakemill.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Runs stopped with SIGTERM, runs of one pipeline that wait or fail while another pipeline runs
 * alongside, and registrations from two processes at once, each run in its own JVM.
 */
class ConcurrentRunsTest extends ChildRunsTestBase {
  @Test
  void sigtermFailsTheCurrentStepRecordsTheRunStopsSparkAndExitsWith1() throws Exception {
    Path lakehouse = root.resolve("sigterm");
    spark.range(3).selectExpr("id AS customer_id").write().format("delta").save(table(lakehouse, "silver.numbers"));
    ChildJvm run = lakemill(lakehouse, "write:silver.numbers", "tiny");
    String id = runId(run);
    run.awaitLineStartingWith("lakemill-fault: paused at write:silver.numbers");

    assertThat(run.terminate()).as(run.output()).isEqualTo(1);

    String stopped = "Step 'numbers' stopped by SIGTERM before it finished";
    assertThat(run.stdout()).contains("lakemill: SIGTERM received: stopping the run after failing its current step",
        String.format("[%d/%d] %-14s %-9s", 1, 2, "numbers", "failed"), stopped, "run " + id + " failed in ");
    assertThat(runStatuses(lakehouse)).containsExactly(id + " failed");
    assertThat(runError(lakehouse, id)).isEqualTo(stopped);
    assertThat(stepStatuses(lakehouse, id)).containsExactly("numbers failed", "total not-run");
    assertThat(lake(lakehouse).table("_lakemill/steps")
        .where("step = 'numbers'").select("error").head().getString(0)).isEqualTo(stopped);
    assertThat(latestVersion(lakehouse, "silver.numbers")).isZero();
    assertThat(rows(lakehouse, "silver.numbers")).containsExactly("[0]", "[1]", "[2]");
    assertThat(lakehouse.resolve("_lakemill/leases/tiny.lease")).doesNotExist();
  }

  @Test
  void runsOfOnePipelineWaitOrFailWhileOtherPipelinesRunAlongside() throws Exception {
    Path lakehouse = root.resolve("concurrent");
    ChildJvm holder = lakemill(lakehouse, "committed:numbers", "tiny");
    String holderId = runId(holder);
    holder.awaitLineStartingWith("lakemill-fault: paused at committed:numbers");

    ChildJvm failing = lakemill(lakehouse, null, "tiny");
    assertThat(failing.await()).as(failing.output()).isEqualTo(1);
    assertThat(failing.stderr()).containsPattern(Pattern.quote("Pipeline 'tiny' is already running: run " + holderId
        + " (pid " + holder.pid() + " on host " + host + "), started ") + "\\S+, last heartbeat \\d+s ago, holds "
        + Pattern.quote(lakehouse.resolve("_lakemill/leases/tiny.lease") + ". Run again with --wait (or lease.on-busy"
        + " = wait) to wait for it to finish; if that process is gone, its lease expires at ") + "\\S+"
        + Pattern.quote(" and the next run records it as abandoned"));

    CliTest.Outcome other = inThisJvm(lakehouse, "other");
    assertThat(other.exit()).as(other.out() + other.err()).isZero();

    ChildJvm waiting = lakemill(lakehouse, null, "tiny", "--wait");
    waiting.awaitLine(l -> l.equals("waiting for run " + holderId + " (pid " + holder.pid() + " on host " + host
        + ") to finish"));
    holder.resume();
    assertThat(holder.await()).as(holder.output()).isZero();
    assertThat(waiting.await()).as(waiting.output()).isZero();

    Matcher otherRun = RUN_ID.matcher(other.out());
    assertThat(otherRun.find()).as(other.out()).isTrue();
    String otherId = otherRun.group(1);
    String waitingId = runId(waiting);
    assertThat(runStatuses(lakehouse)).containsExactly(holderId + " succeeded", otherId + " succeeded",
        waitingId + " succeeded");
    Row held = run(lakehouse, holderId);
    Row alongside = run(lakehouse, otherId);
    Row after = run(lakehouse, waitingId);
    assertThat(alongside.getTimestamp(0)).as("other pipeline ran while tiny's lease was held")
        .isBefore(held.getTimestamp(1));
    assertThat(held.getTimestamp(0)).isBefore(alongside.getTimestamp(1));
    assertThat(after.getTimestamp(0)).as("the waiting run started after the holder ended").isAfter(held.getTimestamp(1));
  }

  @Test
  void concurrentRegistrationsFromTwoProcessesGetUniqueGapFreeVersions() throws Exception {
    Path ledger = root.resolve("registry/_lakemill");
    Path barrier = Files.createDirectories(root.resolve("registry/barrier"));
    List<ChildJvm> children = new ArrayList<>();
    for (String runId : List.of("p1", "p2")) {
      children.add(ChildJvm.start(root, List.of(), RegisterMain.class.getName(),
          List.of(ledger.toString(), runId, "3", barrier.toString(), "2")));
    }
    for (ChildJvm child : children) {
      assertThat(child.await()).as(child.output()).isZero();
    }

    List<Row> versions = lake(ledger).table("models")
        .where("name = 'shared'").select("version", "run_id").orderBy("version").collectAsList();
    assertThat(versions).extracting(r -> r.getInt(0)).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(versions).extracting(r -> r.getString(1)).filteredOn("p1"::equals).hasSize(3);
    assertThat(versions).extracting(r -> r.getString(1)).filteredOn("p2"::equals).hasSize(3);
    // What register() returned to each process is what the models table holds for it.
    for (int i = 0; i < 2; i++) {
      String runId = "p" + (i + 1);
      List<String> returned = children.get(i).stdout().lines().filter(l -> l.startsWith("registered v")).toList();
      assertThat(returned).as(runId).containsExactlyElementsOf(versions.stream().filter(r -> r.getString(1).equals(runId))
          .map(r -> "registered v" + r.getInt(0)).toList());
    }
  }

  /**
   * The first run in a lakehouse starts Spark while its file is still being analysed (it will need it whatever the
   * ledger says). When the file then turns out invalid, the run fails as any invalid file does: exit code 2, the
   * problem alone on stderr, nothing written, and the process exits with the half-started Spark.
   */
  @Test
  void aFirstRunOfAnInvalidFileFailsAsBeforeWhileSparkWasStarting() throws Exception {
    Path file = root.resolve("broken.conf");
    Files.writeString(file, TINY.replace("pipeline { name = tiny }", "pipeline { name = broken }")
        .replace("SELECT count(*) AS n FROM numbers", "SELECT count(*) AS n FROM numbers GROUP BY"));
    Path lakehouse = root.resolve("broken");
    ChildJvm run = lakemill(lakehouse, null, "broken");

    assertThat(run.await()).as(run.output()).isEqualTo(Lakemill.INVALID);
    // Only the problem (the child has no log4j2.properties, so Kernel's and Spark's WARN lines may precede it).
    assertThat(run.stderr().lines().filter(l -> !l.matches("\\d\\d:\\d\\d:\\d\\d WARN .*")))
        .as(run.output()).singleElement().asString().startsWith(file + ": 5: steps.total.sql: SQL does not parse");
    assertThat(run.stderr()).as(run.output()).doesNotContain("Exception", "ERROR");
    assertThat(run.stdout()).isEmpty();
    assertThat(lakehouse).doesNotExist();
  }

  @Test
  void waitAndNoWaitTogetherAreRejected() {
    CliTest.Outcome r = CliTest.lakemill("run", root.resolve("tiny.conf").toString(), "--conf",
        root.resolve("conf").toString(), "--lakehouse", root.resolve("flags").toString(), "--wait", "--no-wait");

    assertThat(r.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(r.err()).isEqualTo("Use --wait or --no-wait, not both\n");
    assertThat(root.resolve("flags")).doesNotExist();
  }
}
