package dev.lakemill.delta;

import dev.lakemill.error.LakemillException;
import dev.lakemill.plan.TablePlan;
import dev.lakemill.spec.WriteMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The error of a lakemill metadata table (ledger, registry) that Delta cannot read: which table, Delta's
 * own first line, and how to repair it. The ledger's and the registry's factories build on it.
 */
public final class TableErrors {
  /** How every damaged-table message ends: where to look next. */
  public static final String DOCTOR_HINT = "; then lakemill doctor checks the whole lakehouse";
  private static final Pattern COMMIT = Pattern.compile("(\\d{20})\\.json");

  private TableErrors() {}

  /**
   * @param what the table's role, e.g. {@code run ledger table}
   * @param latest the newest commit version in its log, or -1 when unknown
   */
  public static LakemillException damaged(String what, String location, long latest, Throwable cause) {
    Matcher commit = COMMIT.matcher(messages(cause));
    boolean badCommit = commit.find();
    String aside = "move the folder " + location + " aside to start a new, empty table";
    String fix = aside;
    if (cause instanceof DeltaIO.MissingLog) {
      fix = "restore the folder " + location + " from a backup, or " + aside;
    } else if (badCommit && latest > 0 && Long.parseLong(commit.group(1)) == latest) {
      fix = "if its newest commit is a torn write, move " + location + "/_delta_log/" + commit.group() + " aside (the"
          + " table is then at v" + (latest - 1) + "), or " + aside;
    } else if (!badCommit && latest > 0) {
      fix = "restore an earlier version whose files exist (RESTORE TABLE delta.`" + location + "` TO VERSION AS OF"
          + " <n>; DESCRIBE HISTORY delta.`" + location + "` lists the versions), or " + aside;
    }
    return new LakemillException(LakemillException.Kind.DAMAGED_STATE, "The " + what + " at " + location
        + " is damaged: Delta cannot read it (" + firstLine(cause) + "). Nothing was changed. To repair it, " + fix
        + DOCTOR_HINT,
        cause);
  }

  /**
   * A retried append or merge into {@code table} (by its mode) that Delta skipped (the table's state holds the
   * run's transaction id) whose commit cannot be found: its commit file was cleaned up by the log's retention, or
   * the log cannot be read.
   */
  public static LakemillException writeNotFound(TablePlan table, String appId, Throwable cause) {
    boolean merge = table.mode() == WriteMode.MERGE;
    String what = merge ? "merge" : "append";
    String verb = merge ? "merging" : "appending";
    String done = merge ? "merged" : "appended";
    return new LakemillException(LakemillException.Kind.RUN_FAILED, "The table at " + table.location()
        + " already has the " + what + " of '" + appId + "' (Delta skipped " + verb + " it again), but its commit is no longer in the"
        + " Delta log" + (cause == null ? " (cleaned up by the log's retention)" : " (" + firstLine(cause) + ")")
        + ", so the version it wrote is unknown. Nothing was " + done + ". Rerun under a new run id to " + what
        + " once more", cause);
  }

  private static String messages(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }

  /** The first line of the outermost message that says something, for a one-line summary. */
  static String firstLine(Throwable e) {
    String text = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        text = t.getMessage();
        break;
      }
    }
    return text == null ? e.getClass().getSimpleName() : text.strip().lines().findFirst().orElse(text);
  }
}
