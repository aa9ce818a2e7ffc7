package dev.lakemill.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakemill.PipelineFixture.Run;
import dev.lakemill.SparkTestBase;
import dev.lakemill.check.Checks;
import dev.lakemill.compile.StepSelection;
import dev.lakemill.ledger.StepOutput;
import dev.lakemill.ledger.StepRecord;
import dev.lakemill.ledger.StepStatus;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.delta.DeltaIO;
import dev.lakemill.faults.FaultPoints;
import dev.lakemill.plan.SqlStepPlan;
import dev.lakemill.safety.LeaseHolder;
import dev.lakemill.safety.RunLease;
import dev.lakemill.safety.StopSignal;
import dev.lakemill.settings.LeaseSettings;
import dev.lakemill.settings.LeaseSettings.OnBusy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Retries under the same run id (Airflow's retry after a kill) and stop requests, in one JVM. */
class RetryAndStopTest extends SparkTestBase {
  private static final String PIPELINE = """
      pipeline { name = retry }
      sources { people { format = generate, generator = churn-customers, rows = 200, seed = 4 } }
      steps {
        log {
          type = sql
          sql = "SELECT customer_id, age FROM people"
          expectations { adult { check = "age >= 18", on-violation = drop } }
          output { table = silver.log, mode = append }
        }
        copy { type = sql, sql = "SELECT * FROM log", output = silver.copy }
      }
      """;

  private PipelinePlan plan() {
    return lake.plan("retry", PIPELINE, Map.of());
  }

  @Test
  void anAppendRetriedUnderTheSameRunIdIsWrittenOnceAndItsQuarantineRowsToo() throws IOException {
    PipelinePlan plan = plan();

    Run first = lake.run(plan, "r1");
    // Forced: otherwise the step cache would skip every step as up to date.
    Run retry = lake.run(plan, "r1", RunOptions.FORCE);

    long adults = first.steps().get(0).rowsOut();
    long minors = first.steps().get(0).rowsQuarantined();
    assertThat(minors).isPositive();
    assertThat(retry.succeeded()).isTrue();
    assertThat(retry.steps().get(0).outputVersion()).isEqualTo(first.steps().get(0).outputVersion()).isZero();
    assertThat(retry.steps().get(0).rowsOut()).isEqualTo(adults);
    assertThat(retry.warnings()).containsExactly("step log: silver.log already has this run's append (v0, run r1); not"
        + " appending it again. Use a new run id to append once more");
    assertThat(count("silver.log")).isEqualTo(adults);
    assertThat(count("silver.copy")).isEqualTo(adults);
    assertThat(quarantinedPerRun()).containsExactly("r1=" + minors);
    // Delta's own idempotent write skipped the retry: the append carries the run's transaction id, and the
    // retry committed nothing.
    Path log = Path.of(lake.location("silver.log"), "_delta_log");
    assertThat(Files.readString(log.resolve("00000000000000000000.json")))
        .contains("{\"txn\":{\"appId\":\"lakemill pipeline=retry run=r1 step=log\",\"version\":0");
    assertThat(log.resolve("00000000000000000001.json")).doesNotExist();

    lake.run(plan, "r2", RunOptions.FORCE);

    assertThat(count("silver.log")).isEqualTo(2 * adults);
    assertThat(quarantinedPerRun()).containsExactly("r1=" + minors, "r2=" + minors);
  }

  @Test
  void aMergeRetriedUnderTheSameRunIdIsCommittedOnce() throws IOException {
    PipelinePlan plan = lake.plan("upsert", """
        pipeline { name = upsert }
        sources { people { format = generate, generator = churn-customers, rows = 200, seed = 4 } }
        steps {
          totals {
            type = sql
            sql = "SELECT region, count(*) AS customers FROM people GROUP BY region"
            output { table = silver.totals, mode = merge, merge-keys = [region] }
          }
        }
        """, Map.of());
    lake.run(plan, "m0");
    Run first = lake.run(plan, "m1", RunOptions.FORCE);
    assertThat(first.steps().get(0).outputVersion()).isEqualTo(1);

    Run retry = lake.run(plan, "m1", RunOptions.FORCE);

    assertThat(retry.succeeded()).as(retry.result().run().error()).isTrue();
    assertThat(retry.steps().get(0).outputVersion()).isEqualTo(1);
    assertThat(retry.warnings()).containsExactly("step totals: silver.totals already has this run's merge (v1, run m1);"
        + " not merging it again. Use a new run id to merge once more");
    // Delta's DML idempotence (the session's txnAppId) skipped the merge: nothing was committed.
    Path log = Path.of(lake.location("silver.totals"), "_delta_log");
    assertThat(Files.readString(log.resolve("00000000000000000001.json")))
        .contains("{\"txn\":{\"appId\":\"lakemill pipeline=upsert run=m1 step=totals\",\"version\":0");
    assertThat(log.resolve("00000000000000000002.json")).doesNotExist();
    // The session no longer carries the id: the next run's merge commits.
    assertThat(lake.spark().conf().getOption("spark.databricks.delta.write.txnAppId").isDefined()).isFalse();
    assertThat(lake.run(plan, "m2", RunOptions.FORCE).steps().get(0).outputVersion()).isEqualTo(2);
  }

  @Test
  void aRetriedAppendFindsItsRunsCommitHoweverFarBackItIs() throws IOException {
    PipelinePlan plan = plan();
    Run first = lake.run(plan, "r1");
    // 120 later commits that change no data (crafted commit files, cheaper than writes): r1's append is now
    // 120 commits back, and found by its transaction id, not by a search of the newest commits.
    Path log = Path.of(lake.location("silver.log"), "_delta_log");
    for (int v = 1; v <= 120; v++) {
      Files.writeString(log.resolve(String.format("%020d.json", v)), "{\"commitInfo\":{\"timestamp\":"
          + System.currentTimeMillis() + ",\"operation\":\"SET TBLPROPERTIES\",\"operationParameters\":{},"
          + "\"isBlindAppend\":true}}\n");
    }

    Run retry = lake.run(plan, "r1", RunOptions.FORCE);

    long adults = first.steps().get(0).rowsOut();
    assertThat(retry.succeeded()).as(retry.result().run().error()).isTrue();
    assertThat(retry.steps().get(0).outputVersion()).isZero();
    assertThat(retry.steps().get(0).rowsOut()).isEqualTo(adults);
    assertThat(retry.warnings()).containsExactly("step log: silver.log already has this run's append (v0, run r1); not"
        + " appending it again. Use a new run id to append once more");
    assertThat(log.resolve(String.format("%020d.json", 121))).doesNotExist();
    assertThat(count("silver.log")).isEqualTo(adults);
    assertThat(count("silver.copy")).isEqualTo(adults);

    // Once the log's retention has removed that commit (a checkpoint at v120, the commit files before it gone),
    // the version of the run's append is unknown: the step fails saying so, and nothing is appended.
    io.delta.kernel.engine.Engine kernel = io.delta.kernel.defaults.engine.DefaultEngine.create(new Configuration());
    io.delta.kernel.TableManager.loadSnapshot(lake.location("silver.log")).build(kernel).writeCheckpoint(kernel);
    for (int v = 0; v < 120; v++) {
      Files.delete(log.resolve(String.format("%020d.json", v)));
    }
    Run late = lake.run(plan, "r1", RunOptions.FORCE, "log");

    assertThat(late.steps().get(0).status()).isEqualTo(StepStatus.FAILED);
    assertThat(late.steps().get(0).error()).isEqualTo("Step 'log' failed: The table at " + lake.location("silver.log")
        + " already has the append of 'lakemill pipeline=retry run=r1 step=log' (Delta skipped appending it again),"
        + " but its commit is no longer in the Delta log (cleaned up by the log's retention), so the version it wrote"
        + " is unknown. Nothing was appended. Rerun under a new run id to append once more");
    assertThat(log.resolve(String.format("%020d.json", 121))).doesNotExist();
  }

  @Test
  void aStopRequestedDuringARunEndsItAfterTheCurrentStep() throws IOException {
    PipelinePlan plan = plan();
    StopSignal stop = StopSignal.none();
    RunListener stopAfterFirst = new RunListener() {
      @Override
      public void stepFinished(StepRecord step, int position, int total) {
        stop.request("SIGTERM");
      }

      @Override
      public void warning(String message) {}
    };

    Run result = lake.run(new PipelineRunner(spark).stopOn(stop), plan, "r1", RunOptions.DEFAULT, stopAfterFirst);

    assertThat(result.succeeded()).isFalse();
    assertThat(result.run().error()).isEqualTo("Stopped by SIGTERM before step 'copy'");
    assertThat(result.steps()).extracting(StepRecord::status).containsExactly(StepStatus.SUCCEEDED, StepStatus.NOT_RUN);
    assertThat(sql("SELECT status, error FROM delta.`%s/_lakemill/runs`", lakehouse)).extracting(Row::toString)
        .containsExactly("[failed,Stopped by SIGTERM before step 'copy']");
  }

  /**
   * Fencing: another run takes the lease over right before step 'log' commits its quarantine rows
   * (the heartbeat, hourly here, has not noticed yet). The lease check before the commit fails the
   * step: neither the quarantine table nor the output table is written, and no later step runs.
   */
  @Test
  void aRunThatLostItsLeaseCommitsNothingMore() throws Exception {
    PipelinePlan plan = plan();
    LeaseSettings hourly = new LeaseSettings(Duration.ofHours(2), Duration.ofHours(1), OnBusy.FAIL, Duration.ZERO);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    LeaseHolder self = new LeaseHolder("token-r1", "r1", plan.pipeline(), "h1", 11, now, hourly.ttl().toMillis(),
        plan.file(), Map.of(), List.of(), "0.1.0", now);
    String output = ((SqlStepPlan) plan.steps().get(0)).output().location();
    String quarantine = ((SqlStepPlan) plan.steps().get(0)).output().quarantine().location();
    try (RunLease lease = RunLease.acquire(plan.ledgerLocation(), self, hourly, new Configuration(), () -> null,
        line -> {})) {
      java.nio.file.Path file = java.nio.file.Path.of(lease.path().toUri().getPath());
      Runnable takeOver = () -> {
        try {
          java.nio.file.Path other = Files.writeString(file.resolveSibling("other"), "{\"token\": \"token-r2\","
              + " \"run_id\": \"r2\", \"pid\": 22, \"host\": \"h2\", \"started\": \"" + now + "\", \"steps\": []}");
          Files.move(other, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      };

      Run run;
      try (FaultPoints.Armed armed = FaultPoints.arm("commit:" + quarantine, takeOver)) {
        run = lake.run(new PipelineRunner(spark).stopOn(StopSignal.none().fencedBy(lease)), plan, "r1",
            RunOptions.DEFAULT, new RunListener() {
              @Override
              public void stepFinished(StepRecord step, int position, int total) {}

              @Override
              public void warning(String message) {}
            });
      }

      assertThat(run.succeeded()).isFalse();
      assertThat(run.steps()).extracting(StepRecord::status).containsExactly(StepStatus.FAILED, StepStatus.NOT_RUN);
      assertThat(run.steps().get(0).error()).isEqualTo("Step 'log' failed: Run r1 no longer holds its lease "
          + lease.path() + ": run r2 (pid 22 on host h2) took it over, so step 'log' did not commit to " + quarantine
          + " and nothing more of this run is written. The lease is taken over only after its heartbeat stopped for"
          + " its ttl (7200000ms): if this process was paused that long, raise lease.ttl; rerun with --resume once"
          + " the other run has finished");
      assertThat(DeltaIO.exists(spark, quarantine)).isFalse();
      assertThat(DeltaIO.exists(spark, output)).isFalse();
    }
  }

  @Test
  void aStepThatFailsOnceTheStopIsRequestedSaysWhatStoppedIt() {
    StopSignal stop = StopSignal.none();
    StepRecord failed = StepRecord.builder("r1", "p", "a", 1, StepStatus.FAILED).started(Instant.EPOCH)
        .ended(Instant.EPOCH).output(new StepOutput.Table("silver.a"), -1)
        .error("Step 'a' failed: [SPARK_JOB_CANCELLED] Job 3 cancelled").build();

    assertThat(stop.explain(failed)).isSameAs(failed);
    stop.request("SIGTERM");
    stop.request("SIGINT");

    assertThat(stop.cause()).isEqualTo("SIGTERM");
    assertThat(stop.explain(failed).error()).isEqualTo("Step 'a' stopped by SIGTERM before it finished");
    assertThat(stop.explain(failed).status()).isEqualTo(StepStatus.FAILED);
  }

  private List<String> quarantinedPerRun() {
    return sql("SELECT _lakemill_run_id, count(*) FROM delta.`%s` GROUP BY 1 ORDER BY 1", lake.location("silver.log_quarantine"))
        .stream().map(r -> r.getString(0) + "=" + r.getLong(1)).toList();
  }
}
