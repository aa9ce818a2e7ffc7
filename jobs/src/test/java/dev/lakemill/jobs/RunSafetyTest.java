package dev.lakemill.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Runs killed with SIGKILL at three moments (during a write, during a registration, after the last
 * commit), each in its own JVM; the next run records them abandoned, and what the lakehouse then holds
 * is what an uninterrupted run gives.
 */
class RunSafetyTest extends ChildRunsTestBase {
  @Test
  void killedRunsAreRecordedAbandonedAndRerunsGiveWhatAnUninterruptedRunGives() throws Exception {
    Path reference = root.resolve("reference");
    Path chain = root.resolve("chain");
    Path retry = root.resolve("retry");
    // Runs in parallel with the first chain: an uninterrupted run, then a kill after the last commit.
    CompletableFuture<String> retried = CompletableFuture.supplyAsync(() -> {
      try {
        CliTest.Outcome ref = inThisJvm(reference, "safety");
        assertThat(ref.exit()).as(ref.out() + ref.err()).isZero();
        return killAfterTheLastCommitThenRetryUnderTheSameRunId(retry);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });

    // Kill 1: during the first step's write, over a table that exists.
    spark.range(3).selectExpr("id AS customer_id").write().format("delta").save(table(chain, "silver.events"));
    ChildJvm a1 = lakemill(chain, "write:silver.events", "safety");
    String a1Id = runId(a1);
    a1.awaitLineStartingWith("lakemill-fault: paused at write:silver.events");
    a1.kill();
    assertThat(latestVersion(chain, "silver.events")).isZero();
    assertThat(rows(chain, "silver.events")).containsExactly("[0]", "[1]", "[2]");
    assertThat(dataFiles(chain, "silver.events")).as("files of the killed write, never committed")
        .isGreaterThan(lake(chain).table("silver.events").inputFiles().length);

    // Kill 2: during the train step's registry update (its model saved, its registry row not committed).
    ChildJvm a3 = lakemill(chain, "register:safety-model", "safety", "--wait");
    String a3Id = runId(a3);
    a3.awaitLineStartingWith("lakemill-fault: paused at register:safety-model");
    assertThat(a3.stdout()).contains("recorded run " + a1Id + " as abandoned: Process " + a1.pid() + "@" + host
        + " stopped without finishing");
    a3.kill();

    ChildJvm b = lakemill(chain, null, "safety", "--wait");
    assertThat(b.await()).as(b.output()).isZero();
    String bId = runId(b);
    assertThat(b.stdout()).contains("recorded run " + a3Id + " as abandoned: Process " + a3.pid() + "@" + host
        + " stopped without finishing", "; committed: events -> silver.events@v1");

    assertThat(runStatuses(chain)).containsExactly(a1Id + " abandoned", a3Id + " abandoned", bId + " succeeded");
    assertThat(runError(chain, a1Id)).isEqualTo(abandonedError(chain, a1Id, a1.pid(), 0));
    assertThat(runError(chain, a3Id)).isEqualTo(abandonedError(chain, a3Id, a3.pid(), 1));
    assertThat(stepStatuses(chain, a1Id)).containsExactly("events not-run", "features not-run", "train not-run",
        "totals not-run", "log not-run");
    assertThat(stepStatuses(chain, a3Id)).containsExactly("events succeeded v1", "features not-run", "train not-run",
        "totals not-run", "log not-run");
    // The recovered commit is as good as a recorded one: the step cache reuses it instead of writing again.
    assertThat(stepStatuses(chain, bId)).containsExactly("events skipped v1", "features succeeded", "train succeeded v1",
        "totals succeeded v0", "log succeeded v0");
    assertThat(b.stdout()).contains("up to date (run " + a3Id + ")");

    // docs/RUNS.md's query lists the killed runs with what each had done.
    String query = DocsExamplesTest.blocks(Path.of("../docs/RUNS.md")).stream().filter(q -> q.language().equals("sql"))
        .findFirst().orElseThrow().text().replace("${ledger}", chain.resolve("_lakemill").toString());
    assertThat(spark.sql(query).collectAsList()).extracting(r -> r.getString(0) + " " + r.getString(2) + " "
        + r.getString(3)).contains(a1Id + " events not-run", a3Id + " events succeeded", a3Id + " train not-run");

    String retryId = retried.get(10, TimeUnit.MINUTES);
    // A recovered step row is what the run would have recorded: same fingerprint and inputs as a normal run's.
    assertThat(stepLineage(chain, a3Id, "events")).isEqualTo(stepLineage(reference, runIds(reference).get(0), "events"));
    for (String t : List.of("silver.events", "gold.totals", "gold.log")) {
      assertThat(rows(chain, t)).as(t).isEqualTo(rows(reference, t));
      assertThat(rows(retry, t)).as(t).isEqualTo(rows(reference, t));
    }
    // Quarantine rows: those of runs whose events step committed, each run's the same as the reference's.
    List<String> quarantined = quarantined(reference, runIds(reference).get(0));
    assertThat(quarantined).isNotEmpty();
    assertThat(quarantineRuns(chain)).containsExactly(a3Id);
    assertThat(quarantined(chain, a3Id)).isEqualTo(quarantined);
    assertThat(quarantineRuns(retry)).containsExactly(retryId);
    // The registry: only complete registrations, each pointing at saved files.
    assertThat(models(chain)).containsExactly("v1 " + bId);
    assertThat(models(retry)).containsExactly("v1 " + retryId);
    for (Path lakehouse : List.of(chain, retry)) {
      for (Row m : lake(lakehouse).table("_lakemill/models")
          .select("model_path").collectAsList()) {
        assertThat(Path.of(m.getString(0).replaceFirst("^file:", ""))).isDirectory();
      }
    }
  }

  /**
   * Kill 3: after every step committed, before the ledger; then a forced retry of two steps under the same
   * run id (without --force the step cache would skip both: their commits were recovered as succeeded). Delta
   * skips both writes: the merge and the append each carry the run's transaction id.
   */
  private String killAfterTheLastCommitThenRetryUnderTheSameRunId(Path retry) throws Exception {
    ChildJvm a2 = lakemill(retry, "committed:log", "safety");
    String a2Id = runId(a2);
    a2.awaitLineStartingWith("lakemill-fault: paused at committed:log");
    a2.kill();
    ChildJvm b2 = lakemill(retry, null, "safety", "--wait", "--steps", "totals,log", "--run-id", a2Id,
        "--force");

    assertThat(b2.await()).as(b2.output()).isZero();
    assertThat(b2.stdout()).contains("recorded run " + a2Id + " as abandoned", "  warning: step log: gold.log already"
        + " has this run's append (v0, run " + a2Id + "); not appending it again. Use a new run id to append once more",
        "  warning: step totals: gold.totals already has this run's merge (v0, run " + a2Id + "); not merging it again."
        + " Use a new run id to merge once more");
    assertThat(runStatuses(retry)).containsExactly(a2Id + " abandoned", a2Id + " succeeded");
    assertThat(runError(retry, a2Id)).isEqualTo(abandonedError(retry, a2Id, a2.pid(), 4));
    assertThat(stepStatuses(retry, a2Id)).containsExactlyInAnyOrder("events succeeded v0", "features not-run",
        "train succeeded v1", "totals succeeded v0", "log succeeded v0", "totals succeeded v0", "log succeeded v0");
    return a2Id;
  }

}
