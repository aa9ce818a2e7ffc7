package dev.lakemill.ledger;

/** How one step of one run ended, as the ledger's {@code steps.status} column stores it. */
public enum StepStatus {
  /** It ran and committed its output. */
  SUCCEEDED("succeeded"),
  /** Up to date: its recorded output was reused and nothing was written. */
  SKIPPED("skipped"),
  /** It ran and failed; the record's error says why. */
  FAILED("failed"),
  /** An earlier step failed or the run was stopped before it started. */
  NOT_RUN("not-run");

  private final String text;

  StepStatus(String text) {
    this.text = text;
  }

  /** Succeeded or skipped: its output version is valid for readers. */
  public boolean done() {
    return this == SUCCEEDED || this == SKIPPED;
  }

  /** The stored form, e.g. {@code not-run}. */
  public String text() {
    return text;
  }

  /** The status whose stored form is {@code text}. */
  public static StepStatus parse(String text) {
    for (StepStatus s : values()) {
      if (s.text.equals(text)) {
        return s;
      }
    }
    throw new IllegalStateException("Unknown step status '" + text + "' in the run ledger");
  }

  @Override
  public String toString() {
    return text;
  }
}
