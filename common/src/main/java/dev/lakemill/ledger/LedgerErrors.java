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

  /** The runs table is gone while the steps table remains: exit code 3. */
  static LakemillException runsMissing(String runs, String steps) {
    return damaged(runs, -1, new dev.lakemill.delta.DeltaIO.MissingLog("the table is missing, but the ledger's steps"
        + " table " + steps + " exists"));
  }

  /** The file system holding the ledger cannot be asked whether it exists: exit code 3. */
  static LakemillException cannotLook(String location, Throwable cause) {
    return new LakemillException(LakemillException.Kind.DAMAGED_STATE, "Cannot look for the ledger at " + location
        + ": " + cause.getMessage() + ". Check that the lakehouse is reachable with the environment's Hadoop settings"
        + " (spark.hadoop.* in the environment config)", cause);
  }
}
