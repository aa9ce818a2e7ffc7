package dev.lakemill.sources;

import dev.lakemill.error.LakemillException;

/**
 * Builds the user-facing errors of reading a source: a missing or empty file, a Delta table or version
 * that does not exist, a record that does not match the schema. Each says which source, which file and
 * line, that nothing was written, and how to fix it.
 */
final class SourceErrors {
  private SourceErrors() {}

  static LakemillException noDeltaTable(String source, String location) {
    return failed("Source '" + source + "': no Delta table at " + location
        + "; write it first or fix the table name or path");
  }

  static LakemillException noVersionAt(String source, String location, String timestamp) {
    return failed("Source '" + source + "': " + location + " has no version committed at or before "
        + timestamp + "; use a later timestamp-as-of or a version-as-of");
  }

  static LakemillException unreadable(String source, String location, Throwable cause) {
    return failed("Source '" + source + "': Delta cannot read the table at " + location + " (" + firstLine(cause)
        + "). Nothing was written. Repair the table (DESCRIBE HISTORY delta.`" + location + "` lists its versions)"
        + " or pin a readable version-as-of", cause);
  }

  private static String firstLine(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.strip().lines().findFirst().orElse(m);
  }

  static LakemillException missingSource(String source, String location) {
    return failed("Source '" + source + "': " + location + " does not exist. Nothing was written."
        + " Fix the path (a relative path starts at the pipeline file's folder) or create the file");
  }

  static LakemillException emptySource(String source, String location) {
    return failed("Source '" + source + "': " + location + " has no records. Nothing was written."
        + " Put records in it, fix the path, or set allow-empty = true on the source if no records is normal");
  }

  static LakemillException noGoodRecords(String source, String location, long bad, String table) {
    return failed("Source '" + source + "': none of the " + count(bad) + " records of " + location
        + " matches the schema; they were set aside in " + table + ". Nothing else was written. Fix the file or"
        + " the schema, or set allow-empty = true on the source if no records is normal");
  }

  /**
   * A csv or json record that does not match the source's schema.
   *
   * @param line 1-based line in {@code file}, or null when records are not lines or it was not found
   * @param reason why it does not match, or null if unknown
   * @param bad how many bad records the source holds (0 if unknown)
   */
  static LakemillException badRecord(String source, String file, Long line, String record, String reason,
      long bad, Throwable cause) {
    return failed("Source '" + source + "': bad record in " + file
        + (line == null ? "" : " at line " + line) + ": '" + abbreviate(record) + "'"
        + (reason == null ? "" : " (" + reason + ")") + (bad > 1 ? "; the first of " + count(bad) + " bad records" : "")
        + ". Nothing was written. Fix the file or the schema, or set on-bad-records = quarantine to set bad records"
        + " aside", cause);
  }

  static LakemillException columnNotInFile(String source, String file, String column) {
    return failed("Source '" + source + "': " + file + " does not match the schema: it has no"
        + " column " + column + ". Nothing was written. Fix the file, or remove " + column + " from the schema");
  }

  static LakemillException columnTypeDiffers(String source, String file, String column, String inFile,
      String declared) {
    return failed("Source '" + source + "': " + file + " does not match the schema: column " + column
        + " is " + inFile + " in the file but " + declared + " in the schema. Nothing was written. Declare " + column
        + " " + inFile + " (and CAST it in SQL), or fix the file");
  }

  /** A source check failed and its report could not be read: the check's own failure, as a run failure. */
  static LakemillException checkFailed(Throwable failure) {
    return failed(String.valueOf(failure), failure);
  }

  private static LakemillException failed(String message) {
    return failed(message, null);
  }

  private static LakemillException failed(String message, Throwable cause) {
    return new LakemillException(LakemillException.Kind.RUN_FAILED, message, cause);
  }

  private static String abbreviate(String record) {
    return record.length() <= 200 ? record : record.substring(0, 200) + "...";
  }

  private static String count(long n) {
    return String.format(java.util.Locale.ROOT, "%,d", n);
  }

}
