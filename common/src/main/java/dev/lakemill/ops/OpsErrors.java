package dev.lakemill.ops;

import dev.lakemill.error.LakemillException;

/** The user-facing errors of the maintenance operations (reproduce, doctor). */
final class OpsErrors {
  private OpsErrors() {}

  static LakemillException notReproducible(String ref, String dataInput) {
    return new LakemillException(LakemillException.Kind.INVALID_INPUT, "Cannot reproduce " + ref + ": it was trained"
        + " on '" + dataInput + "', which is not a Delta table, so its exact rows cannot be read again; train on a"
        + " step with an output table to make models reproducible");
  }

  /** The lineage names a table that is gone: the lakehouse no longer matches the registry. */
  static LakemillException inputGone(String ref, String location) {
    return new LakemillException(LakemillException.Kind.DAMAGED_STATE, "Cannot reproduce " + ref + ": its input"
        + " table " + location + " no longer exists");
  }

  /** {@code lakemill doctor} found damaged tables (it printed them): exit code 3. */
  static LakemillException damageFound(String root, long damaged) {
    return new LakemillException(LakemillException.Kind.DAMAGED_STATE, "lakemill doctor found " + damaged
        + " damaged table(s) in the lakehouse at " + root + ": repair each as its finding above says, then run"
        + " lakemill doctor again");
  }
}
