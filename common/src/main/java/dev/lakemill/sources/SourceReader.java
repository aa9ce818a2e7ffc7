package dev.lakemill.sources;

import dev.lakemill.delta.DeltaIO;
import dev.lakemill.delta.KernelTables;
import dev.lakemill.plan.SourcePlan;
import dev.lakemill.spec.SourceFormat;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Opens a source as a DataFrame; Delta sources are pinned to one version for the whole run, file
 * sources are read strictly (see {@link FileSourceReader}).
 */
public final class SourceReader {
  /**
   * The data and, for Delta sources, the version read (-1 otherwise).
   *
   * @param records the bad-record check of a csv or json source, else null
   */
  public record Opened(Dataset<Row> data, long version, RecordCheck records) {
    /** Frees what the source holds for the run (a quarantining read's cache). */
    public void release() {
      if (records != null) {
        records.release();
      }
    }
  }

  /** The run a source is opened for: bad-record rows carry its ids, warnings go to its listener. */
  public record Context(String pipeline, String runId, Consumer<String> warnings) {}

  private SourceReader() {}

  /**
   * The Delta version a source reads: its pinned version, the version current at its timestamp, or the
   * latest; -1 for other formats. Cheap and without Spark: the latest version is a listing of the Delta
   * log, a timestamp is resolved by Delta Kernel from the commits' timestamps.
   *
   * @param zone the run's time zone ({@code spark.sql.session.timeZone}), for a timestamp without an offset
   */
  public static long version(KernelTables tables, SourcePlan source, java.time.ZoneId zone) {
    if (source.format() != SourceFormat.DELTA) {
      return -1;
    }
    long latest = DeltaIO.latestVersion(tables.hadoop(), source.location());
    if (latest < 0) {
      throw SourceErrors.noDeltaTable(source.name(), source.location());
    }
    if (source.versionAsOf() != null) {
      return source.versionAsOf();
    }
    if (source.timestampAsOf() != null) {
      OptionalLong at = millis(source.timestampAsOf(), zone).stream()
          .mapToObj(ms -> tables.versionAt(source.location(), ms,
              (newest, cause) -> SourceErrors.unreadable(source.name(), source.location(), cause)))
          .findFirst().orElse(OptionalLong.empty());
      return at.orElseThrow(() -> SourceErrors.noVersionAt(source.name(), source.location(), source.timestampAsOf()));
    }
    return latest;
  }

  /**
   * A {@code timestamp-as-of} as epoch milliseconds, read as Spark casts a string to a timestamp: a date, a date
   * and time ({@code T} or a space between), an optional offset or {@code Z}; in {@code zone} (the session time
   * zone Spark would use) when it has no offset. Empty when it is none of these (no version is then at or before it).
   */
  static java.util.OptionalLong millis(String timestamp, java.time.ZoneId zone) {
    String t = timestamp.strip().replace(' ', 'T');
    try {
      return java.util.OptionalLong.of(java.time.OffsetDateTime.parse(t).toInstant().toEpochMilli());
    } catch (java.time.format.DateTimeParseException notOffset) {
      try {
        java.time.LocalDateTime local = t.contains("T") ? java.time.LocalDateTime.parse(t)
            : java.time.LocalDate.parse(t).atStartOfDay();
        return java.util.OptionalLong.of(local.atZone(zone).toInstant().toEpochMilli());
      } catch (java.time.format.DateTimeParseException e) {
        return java.util.OptionalLong.empty();
      }
    }
  }

  /** Opens the source; a Delta source at {@code version} (from {@link #version}). */
  public static Opened open(SparkSession spark, SourcePlan source, long version, Context run) {
    switch (source.format()) {
      case GENERATE -> {
        long rows = ((Number) source.generatorOptions().get("rows")).longValue();
        long seed = ((Number) source.generatorOptions().get("seed")).longValue();
        double drift = ((Number) source.generatorOptions().get("drift")).doubleValue();
        return new Opened(ChurnCustomersGenerator.generate(spark, rows, seed, drift), -1, null);
      }
      case DELTA -> {
        return new Opened(DeltaIO.read(spark, source.location(), version), version, null);
      }
      default -> {
        return new FileSourceReader(spark, source, run).open();
      }
    }
  }
}
