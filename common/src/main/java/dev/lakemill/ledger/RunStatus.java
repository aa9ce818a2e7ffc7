package dev.lakemill.ledger;

/** How one invocation ended, as the ledger's {@code runs.status} column stores it. */
public enum RunStatus {
  /** Every step succeeded or was up to date. */
  SUCCEEDED("succeeded"),
  /** A step failed or the run was stopped; the record's error says why. */
  FAILED("failed"),
  /**
   * Its process stopped without finishing (killed), found by a later run of the pipeline once the
   * process's lease had expired.
   */
  ABANDONED("abandoned");

  private final String text;

  RunStatus(String text) {
    this.text = text;
  }

  /** The stored form, e.g. {@code abandoned}. */
  public String text() {
    return text;
  }

  /** The status whose stored form is {@code text}. */
  public static RunStatus parse(String text) {
    for (RunStatus s : values()) {
      if (s.text.equals(text)) {
        return s;
      }
    }
    throw new IllegalStateException("Unknown run status '" + text + "' in the run ledger");
  }

  @Override
  public String toString() {
    return text;
  }
}
