package dev.lakemill.ledger;

import dev.lakemill.delta.TableErrors;
import dev.lakemill.error.LakemillException;

/** The user-facing errors of the run ledger. */
final class LedgerErrors {
  private LedgerErrors() {}

  /** A ledger table Delta cannot read (a garbled commit, a missing data file): exit code 3, nothing ran. */
  static LakemillException damaged(String table, long latest, Throwable cause) {
    return TableErrors.damaged("run ledger table", table, latest, cause);
  }
}
