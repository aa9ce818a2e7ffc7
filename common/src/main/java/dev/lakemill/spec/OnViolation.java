package dev.lakemill.spec;

import java.util.Locale;

/** Values of an expectation's {@code on-violation}. */
public enum OnViolation {
  /** Keep the violating rows; count them in the ledger and print a warning. */
  WARN,
  /** Move the violating rows to {@code <output>_quarantine}; the output never sees them. */
  DROP,
  /** Stop the step before anything is written; the run fails. The default. */
  FAIL;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
