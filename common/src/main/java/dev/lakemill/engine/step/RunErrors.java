package dev.lakemill.engine.step;

import dev.lakemill.error.LakemillException;
import dev.lakemill.plan.TablePlan;
import dev.lakemill.spec.SourceLocation;
import dev.lakemill.spec.WriteMode;
import java.util.List;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.AnalysisException;

/**
 * Builds the user-facing errors of a run (the definition-time counterpart is
 * {@code dev.lakemill.error.PipelineErrors}). Each Spark or Delta failure is wrapped once, with the
 * step's name, keeping Spark's first message line (it starts with the error condition) and, for SQL
 * analysis errors, the pipeline file's line.
 */
public final class RunErrors {
  private RunErrors() {}

  /** An unreadable heartbeat period ({@code -Dlakemill.progress.heartbeat=...}). */
  public static LakemillException badHeartbeat(String property, String value) {
    return new LakemillException(LakemillException.Kind.INVALID_INPUT, "Cannot use " + property + " '" + value
        + "': give a period such as 5s, 500ms or 2m, or off for no heartbeats (e.g. LAKEMILL_JAVA_OPTS="
        + "-D" + property + "=10s)");
  }

  public static StepFailedException wrap(String step, Throwable e) {
    if (e instanceof StepFailedException already) {
      return already;
    }
    String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    // Spark's messages start with "[CONDITION] ..." and then print the whole plan: keep the first line.
    String summary = e instanceof SparkThrowable ? text.strip().lines().findFirst().orElse(text) : firstLines(text);
    return new StepFailedException(step, "Step '" + step + "' failed: " + summary, e);
  }

  /** An analysis error in a step's SQL, pointed at the line of the pipeline file. */
  public static StepFailedException sqlAnalysis(String step, SourceLocation sqlAt, AnalysisException e) {
    String first = e.getMessage().strip().lines().findFirst().orElse("");
    String where = e.line().isDefined() ? sqlAt.plusLines((Integer) e.line().get() - 1) + ": " : "";
    return new StepFailedException(step, "Step '" + step + "' failed: " + where + first, e);
  }

  public static StepFailedException expectationsFailed(String step, List<String> failures) {
    return new StepFailedException(step, "Step '" + step + "' failed: " + String.join("; ", failures)
        + ". Nothing was written. Fix the data or the SQL, or relax on-violation to drop or warn", null);
  }

  public static StepFailedException upstreamNeverRan(String step, String upstream) {
    return new StepFailedException(step, "Step '" + step + "' reads '" + upstream
        + "', which has no successful run in the ledger; run it first, e.g. --steps " + upstream + "," + step, null);
  }

  public static StepFailedException gatesFailed(String step, String model, String gates, String unchanged,
      String metrics) {
    return new StepFailedException(step, "Step '" + step + "' failed: model " + model + " did not pass its gates: "
        + gates + ". It stays registered, unpromoted" + unchanged + ". Holdout metrics: " + metrics, null);
  }

  /** A drift step with {@code on-drift fail-run = true} found drift; its history rows are written. */
  public static DriftStepRunner.DriftFailed drifted(String step, String summary, String report, long written) {
    return new DriftStepRunner.DriftFailed(step, "Step '" + step + "' failed: " + summary
        + (report == null ? "" : ", report " + report)
        + ". on-drift fail-run = true fails the run; the history and the report are kept", written);
  }

  public static LakemillException notRegistered(String model, int version, String trainStep) {
    return runFailed("Model " + model + "@v" + version + " is not in the registry; rerun step " + trainStep);
  }

  public static LakemillException emptyTrainingSplit(String data, String split) {
    return runFailed("The training split of '" + data + "' is empty: check split (" + split + ") and the input's rows");
  }

  public static LakemillException noDriftTable(String table, String location) {
    return runFailed("No Delta table " + table + " at " + location + "; write it first or fix the table name");
  }

  public static LakemillException trainingRowsGone(String model, String dataInput, boolean anyMore, String step) {
    return runFailed("Cannot compare with the training rows of " + model + ": it was trained on '" + dataInput
        + "', which is not a Delta table" + (anyMore ? " any more" : "") + ", so its rows cannot be read again; set"
        + " reference = schema.table@vN in step '" + step + "'");
  }

  public static LakemillException unknownSplit(String model, String split, String step) {
    return runFailed("Cannot re-derive the training rows of " + model + ": its recorded split '" + split + "' is not"
        + " one lakemill writes; set reference = schema.table@vN in step '" + step + "'");
  }

  public static LakemillException missingDriftColumns(List<String> missing, String side, String data,
      String[] columns, String step) {
    return runFailed("Cannot compare column(s) " + missing + ": the " + side + " rows (" + data + ") do not have them"
        + " (columns: " + String.join(", ", columns) + "); list the columns to compare with columns = [...] in step '"
        + step + "'");
  }

  public static LakemillException noSharedDriftColumns(String step, String reference, String current,
      List<String> leftOut) {
    return runFailed("Cannot compute data drift in step '" + step + "': the reference (" + reference + ") and the current"
        + " rows (" + current + ") share no numeric, string or boolean column other than ids"
        + (leftOut.isEmpty() ? "" : " (left out: " + String.join(", ", leftOut) + ")")
        + "; list the columns to compare with columns = [...], or check that both sides are the data you meant");
  }

  private static LakemillException runFailed(String message) {
    return new LakemillException(LakemillException.Kind.RUN_FAILED, message);
  }

  /** Not an error: the warning when a retried append or merge into {@code output} finds its run's commit there. */
  public static String writeReused(String step, TablePlan output, String runId, long version) {
    boolean merge = output.mode() == WriteMode.MERGE;
    String what = merge ? "merge" : "append";
    return "step " + step + ": " + output.name() + " already has this run's " + what + " (v" + version + ", run "
        + runId + "); not " + (merge ? "merging" : "appending") + " it again. Use a new run id to " + what
        + " once more";
  }

  private static String firstLines(String text) {
    String[] lines = text.strip().split("\n");
    StringBuilder out = new StringBuilder(lines[0]);
    for (int i = 1; i < Math.min(lines.length, 4); i++) {
      out.append("\n  ").append(lines[i].strip());
    }
    return out.toString();
  }
}
