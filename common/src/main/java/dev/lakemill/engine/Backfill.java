package dev.lakemill.engine;

import dev.lakemill.ledger.RunIds;
import dev.lakemill.ledger.RunLedger;
import dev.lakemill.ledger.RunStatus;
import dev.lakemill.ledger.StepStatus;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.plan.StepPlan;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The runs of {@code lakemill backfill}: one run per date, under a run id derived from the pipeline and
 * the date ({@code backfill-<pipeline>-<date>}), and what the ledger says of each. A date is <b>up to
 * date</b> when the latest invocation of its run id succeeded and the latest record of every step of the
 * pipeline under that id succeeded (or was up to date) with the step's current config (its
 * {@link StepPlan#configHash}, which covers the params); it is <b>done</b> when that holds whatever the
 * config.
 */
public final class Backfill {
  private static final String PREFIX = "backfill-";

  private Backfill() {}

  /** What the ledger holds for one backfill run id. */
  public record Recorded(RunStatus latest, Map<String, String> doneConfigs) {
    public Recorded {
      doneConfigs = Map.copyOf(doneConfigs);
    }

    /** Every step of {@code plan} done under this id with its current config, and the latest invocation succeeded. */
    public boolean upToDate(PipelinePlan plan) {
      return done(plan) && plan.steps().stream().allMatch(s -> s.configHash().equals(doneConfigs.get(s.name())));
    }

    /** Every step of {@code plan} done under this id (whatever its config), and the latest invocation succeeded. */
    public boolean done(PipelinePlan plan) {
      return latest == RunStatus.SUCCEEDED && plan.steps().stream().allMatch(s -> doneConfigs.containsKey(s.name()));
    }
  }

  /**
   * The run id of {@code pipeline}'s backfill run for {@code date}, e.g. {@code backfill-churn-nightly-2026-11-01}.
   *
   * @throws dev.lakemill.error.LakemillException when the id breaks the run-id rule (a pipeline name of more
   *     than 230 characters)
   */
  public static String runId(String pipeline, LocalDate date) {
    return RunIds.check(PREFIX + pipeline + "-" + date);
  }

  /**
   * What the ledger of {@code plan} recorded for each backfill run id of its pipeline, in two queries (one per
   * ledger table); empty for a new lakehouse. Of each step, only its latest record under the id counts: a
   * step done once and failed since is not done.
   */
  public static Map<String, Recorded> recorded(SparkSession spark, PipelinePlan plan) {
    RunLedger ledger = new RunLedger(spark, plan.ledgerLocation());
    if (!ledger.exists()) {
      return Map.of();
    }
    String prefix = PREFIX + plan.pipeline() + "-";
    Map<String, RunStatus> latest = new HashMap<>();
    ledger.runs(runs -> runs.where(functions.col("pipeline").equalTo(plan.pipeline())
            .and(functions.col("run_id").startsWith(prefix)))
        .selectExpr("run_id", "status", "row_number() OVER (PARTITION BY run_id ORDER BY started_at DESC) AS newest")
        .where("newest = 1"))
        .forEach(r -> latest.put(r.getString(0), RunStatus.parse(r.getString(1))));
    Map<String, Map<String, String>> done = new HashMap<>();
    ledger.steps(steps -> steps.where(functions.col("pipeline").equalTo(plan.pipeline())
            .and(functions.col("run_id").startsWith(prefix)).and(functions.col("ended_at").isNotNull()))
        .selectExpr("run_id", "step", "status", (Arrays.asList(steps.columns()).contains("fingerprint_parts")
                ? "fingerprint_parts['config']" : "CAST(NULL AS STRING)") + " AS config",
            "row_number() OVER (PARTITION BY run_id, step ORDER BY ended_at DESC) AS newest")
        .where("newest = 1 AND status IN ('" + StepStatus.SUCCEEDED.text() + "', '" + StepStatus.SKIPPED.text() + "')"))
        .forEach(r -> done.computeIfAbsent(r.getString(0), k -> new HashMap<>())
            .put(r.getString(1), r.isNullAt(3) ? "" : r.getString(3)));
    Map<String, Recorded> all = new HashMap<>();
    latest.forEach((id, status) -> all.put(id, new Recorded(status, done.getOrDefault(id, Map.of()))));
    return all;
  }
}
