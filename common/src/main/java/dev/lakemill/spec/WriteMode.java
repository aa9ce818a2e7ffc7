package dev.lakemill.spec;

import java.util.Locale;

/** Values of {@code output.mode}. Every mode writes exactly one Delta commit to the output table. */
public enum WriteMode {
  /** Replace the table's rows (and schema) with the step's result. The default. */
  OVERWRITE,
  /** Add the step's rows to the table. */
  APPEND,
  /** Upsert on {@code merge-keys}: update rows whose keys match, insert the others. */
  MERGE,
  /**
   * Replace only the partitions ({@code partition-by}) present in the result, so a retried daily run
   * never duplicates rows and other days stay untouched.
   */
  REPLACE_PARTITIONS;

  /** The spelling used in pipeline files, e.g. {@code replace-partitions}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
