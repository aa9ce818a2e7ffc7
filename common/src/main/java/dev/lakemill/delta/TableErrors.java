package dev.lakemill.delta;

import dev.lakemill.error.LakemillException;

/**
 * The error of a lakemill metadata table (ledger, registry) that Delta cannot read: which table, Delta's
 * own first line, and how to repair it. The ledger's and the registry's factories build on it.
 */
public final class TableErrors {
  private TableErrors() {}

  /**
   * @param what the table's role, e.g. {@code run ledger table}
   * @param latest the newest commit version in its log, or -1 when unknown
   */
  public static LakemillException damaged(String what, String location, long latest, Throwable cause) {
    String restore = latest > 0
        ? "restore it to the version before its latest (RESTORE TABLE delta.`" + location + "` TO VERSION AS OF "
            + (latest - 1) + "; DESCRIBE HISTORY delta.`" + location + "` lists the versions), or "
        : "";
    return new LakemillException(LakemillException.Kind.DAMAGED_STATE, "The " + what + " at " + location
        + " is damaged: Delta cannot read it (" + firstLine(cause) + "). Nothing was changed. To repair it, "
        + restore + "move the folder " + location + " aside to start a new, empty table", cause);
  }

  /** The first line of the innermost message that says something, for a one-line summary. */
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
