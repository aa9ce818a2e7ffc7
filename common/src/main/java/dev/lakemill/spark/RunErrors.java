package dev.lakemill.spark;

import java.util.List;
import dev.lakemill.spec.SourceLocation;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.AnalysisException;

/**
 * Builds the user-facing errors of a run (the definition-time counterpart is
 * {@code dev.lakemill.config.PipelineErrors}). Each Spark or Delta failure is wrapped once, with the
 * step's name, keeping Spark's first message line (it starts with the error condition) and, for SQL
 * analysis errors, the pipeline file's line.
 */
final class RunErrors {
  private RunErrors() {}

  static StepFailedException wrap(String step, Throwable e) {
    if (e instanceof StepFailedException already) {
      return already;
    }
    String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    // Spark's messages start with "[CONDITION] ..." and then print the whole plan: keep the first line.
    String summary = e instanceof SparkThrowable ? text.strip().lines().findFirst().orElse(text) : firstLines(text);
    return new StepFailedException(step, "Step '" + step + "' failed: " + summary, e);
  }

  /** An analysis error in a step's SQL, pointed at the line of the pipeline file. */
  static StepFailedException sqlAnalysis(String step, SourceLocation sqlAt, AnalysisException e) {
    String first = e.getMessage().strip().lines().findFirst().orElse("");
    String where = e.line().isDefined() ? sqlAt.plusLines((Integer) e.line().get() - 1) + ": " : "";
    return new StepFailedException(step, "Step '" + step + "' failed: " + where + first, e);
  }

  static StepFailedException expectationsFailed(String step, List<String> failures) {
    return new StepFailedException(step, "Step '" + step + "' failed: " + String.join("; ", failures)
        + ". Nothing was written. Fix the data or the SQL, or relax on-violation to drop or warn", null);
  }

  static StepFailedException upstreamNeverRan(String step, String upstream) {
    return new StepFailedException(step, "Step '" + step + "' reads '" + upstream
        + "', which has no successful run in the ledger; run it first, e.g. --steps " + upstream + "," + step, null);
  }

  /** Not an error: the warning when a retried append finds its run's commit already in the table. */
  static String appendReused(String step, String table, String runId, long version) {
    return "step " + step + ": " + table + " already has this run's append (v" + version + ", run " + runId
        + "); not appending it again. Use a new run id to append once more";
  }

  static IllegalStateException noDeltaTable(String source, String location) {
    return new IllegalStateException("Source '" + source + "': no Delta table at " + location
        + "; write it first or fix the table name or path");
  }

  static IllegalStateException noVersionAt(String source, String location, String timestamp) {
    return new IllegalStateException("Source '" + source + "': " + location + " has no version committed at or before "
        + timestamp + "; use a later timestamp-as-of or a version-as-of");
  }

  static IllegalStateException missingSource(String source, String location) {
    return new IllegalStateException("Source '" + source + "': " + location + " does not exist. Nothing was written."
        + " Fix the path (a relative path starts at the pipeline file's folder) or create the file");
  }

  static IllegalStateException emptySource(String source, String location) {
    return new IllegalStateException("Source '" + source + "': " + location + " has no records. Nothing was written."
        + " Put records in it, fix the path, or set allow-empty = true on the source if no records is normal");
  }

  static IllegalStateException noGoodRecords(String source, String location, long bad, String table) {
    return new IllegalStateException("Source '" + source + "': none of the " + count(bad) + " records of " + location
        + " matches the schema; they were set aside in " + table + ". Nothing else was written. Fix the file or"
        + " the schema, or set allow-empty = true on the source if no records is normal");
  }

  /**
   * A csv or json record that does not match the source's schema.
   *
   * @param line 1-based line in {@code file}, or null when records are not lines or it was not found
   * @param reason why it does not match, or null if unknown
   * @param bad how many bad records the source holds (0 if unknown)
   */
  static IllegalStateException badRecord(String source, String file, Long line, String record, String reason,
      long bad, Throwable cause) {
    return new IllegalStateException("Source '" + source + "': bad record in " + file
        + (line == null ? "" : " at line " + line) + ": '" + abbreviate(record) + "'"
        + (reason == null ? "" : " (" + reason + ")") + (bad > 1 ? "; the first of " + count(bad) + " bad records" : "")
        + ". Nothing was written. Fix the file or the schema, or set on-bad-records = quarantine to set bad records"
        + " aside", cause);
  }

  static IllegalStateException columnNotInFile(String source, String file, String column) {
    return new IllegalStateException("Source '" + source + "': " + file + " does not match the schema: it has no"
        + " column " + column + ". Nothing was written. Fix the file, or remove " + column + " from the schema");
  }

  static IllegalStateException columnTypeDiffers(String source, String file, String column, String inFile,
      String declared) {
    return new IllegalStateException("Source '" + source + "': " + file + " does not match the schema: column " + column
        + " is " + inFile + " in the file but " + declared + " in the schema. Nothing was written. Declare " + column
        + " " + inFile + " (and CAST it in SQL), or fix the file");
  }

  private static String abbreviate(String record) {
    return record.length() <= 200 ? record : record.substring(0, 200) + "...";
  }

  private static String count(long n) {
    return String.format(java.util.Locale.ROOT, "%,d", n);
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
