package dev.lakemill.error;

import java.util.regex.Pattern;

/**
 * The one rule for run ids, shared by the command line ({@code dev.lakemill.ledger.RunIds}) and the Airflow
 * client ({@code dev.lakemill.airflow.rest.AirflowIds}); it lives here, in the lowest layer both use. It is
 * what Airflow 2 and 3 accept for a {@code dag_run_id} by default ({@code allowed_run_id_pattern}
 * {@code ^[A-Za-z0-9_.~:+-]+$}, at most 250 characters, the width of its {@code run_id} column), minus
 * {@code ..}: every id Airflow hands a DAG's tasks ({@code scheduled__2026-11-26T02:00:00+00:00}, a manual id)
 * is accepted, and an id stays safe where lakemill puts it: a folder name (model artifacts), a Delta commit
 * tag, a quoted SQL string.
 */
public final class RunIdRule {
  /** The longest run id. */
  public static final int MAX_LENGTH = 250;
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.~:+-]{1," + MAX_LENGTH + "}");

  private RunIdRule() {}

  public static boolean valid(String runId) {
    return runId != null && VALID.matcher(runId).matches() && !runId.contains("..");
  }

  /** The rule in words, for messages. */
  public static String describe() {
    return "up to " + MAX_LENGTH + " letters, digits and _ . ~ : + - (no ..)";
  }
}
