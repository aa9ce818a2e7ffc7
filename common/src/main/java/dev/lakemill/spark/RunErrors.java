package dev.lakemill.spark;

import java.util.List;
import org.apache.spark.SparkThrowable;

/** Builds the user-facing errors of a run. Each Spark or Delta failure is wrapped once, with the step. */
final class RunErrors {
  private RunErrors() {}

  static StepFailedException wrap(String step, Throwable e) {
    if (e instanceof StepFailedException already) {
      return already;
    }
    String condition = e instanceof SparkThrowable st && st.getCondition() != null ? " [" + st.getCondition() + "]" : "";
    String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new StepFailedException(step, "Step '" + step + "' failed" + condition + ": " + firstLines(text), e);
  }

  static StepFailedException expectationsFailed(String step, List<String> failures) {
    return new StepFailedException(step, "Step '" + step + "' failed: " + String.join("; ", failures)
        + ". Nothing was written. Fix the data or the SQL, or relax on-violation to drop or warn", null);
  }

  static StepFailedException upstreamNeverRan(String step, String upstream) {
    return new StepFailedException(step, "Step '" + step + "' reads '" + upstream
        + "', which has no successful run in the ledger; run it first, e.g. --steps " + upstream + "," + step, null);
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
