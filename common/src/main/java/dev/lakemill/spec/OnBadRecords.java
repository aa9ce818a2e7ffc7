package dev.lakemill.spec;

import java.util.Locale;

/**
 * Values of a file source's {@code on-bad-records}: what happens to csv and json records that do not
 * match the source's schema (a different number of values than the schema's columns in csv, a line
 * that is not a JSON object in json, a value that does not parse as its column's type in both).
 */
public enum OnBadRecords {
  /**
   * The step that reads the source fails before it writes anything, naming the file, the line and
   * the first bad record. The default.
   */
  FAIL,
  /**
   * Set bad records aside in the source's bad-records table (raw text, file, line, reason, run id)
   * and let the good ones flow on. csv and json only: parquet and orc have no records to set aside.
   */
  QUARANTINE;

  /** The spelling used in pipeline files. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
