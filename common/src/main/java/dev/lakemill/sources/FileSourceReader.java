package dev.lakemill.sources;

import dev.lakemill.delta.DeltaIO;
import dev.lakemill.plan.SourcePlan;
import dev.lakemill.spec.OnBadRecords;
import dev.lakemill.spec.SourceFormat;
import java.util.Arrays;
import java.util.Map;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Opens a csv, json, parquet or orc source strictly. A path that does not exist, a source without
 * records (unless {@code allow-empty}), a parquet or orc file without a declared column or with
 * another type, and a csv or json record that does not match the schema (see {@link RecordCheck})
 * each fail the step that reads the source, before it writes anything.
 *
 * <p>Cost: the emptiness check reads the first record only (a Spark {@code limit 1} job); parquet and
 * orc with a declared schema read one footer per file in the driver.
 */
final class FileSourceReader {
  private static final Map<String, String> CORRUPT_RECORDS =
      Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", RecordCheck.BAD);

  private final SparkSession spark;
  private final SourcePlan source;
  private final SourceReader.Context run;

  FileSourceReader(SparkSession spark, SourcePlan source, SourceReader.Context run) {
    this.spark = spark;
    this.source = source;
    this.run = run;
  }

  SourceReader.Opened open() {
    if (source.format() == SourceFormat.CSV || source.format() == SourceFormat.JSON) {
      return openRecords();
    }
    StructType declared = source.schema() == null ? null : StructType.fromDDL(source.schema());
    Dataset<Row> data = load(declared, Map.of());
    if (data == null) {
      return empty();
    }
    if (declared != null) {
      FileSchemas.check(spark, source, declared, data.inputFiles());
    }
    requireRecords(data);
    return new SourceReader.Opened(data, -1, null);
  }

  private SourceReader.Opened openRecords() {
    StructType schema = source.schema() != null ? StructType.fromDDL(source.schema()) : inferred();
    Dataset<Row> parsed =
        schema == null ? null : load(schema.add(RecordCheck.BAD, DataTypes.StringType), CORRUPT_RECORDS);
    if (parsed == null) {
      return empty();
    }
    RecordCheck check = new RecordCheck(spark, source, schema, parsed);
    if (source.onBadRecords() == OnBadRecords.QUARANTINE) {
      return quarantine(check);
    }
    Dataset<Row> good = check.failing();
    try {
      requireRecords(good);
    } catch (RuntimeException e) {
      throw RecordCheck.failedSource(e).isPresent() ? check.explain(e) : e;
    }
    return new SourceReader.Opened(good, -1, check);
  }

  private SourceReader.Opened quarantine(RecordCheck check) {
    RecordCheck.Quarantined read;
    DeltaIO.tagCommits(spark,
        "lakemill pipeline=" + run.pipeline() + " run=" + run.runId() + " source=" + source.name());
    try {
      read = check.quarantine(run.pipeline(), run.runId());
    } catch (RuntimeException e) {
      check.release();
      throw e;
    } finally {
      DeltaIO.tagCommits(spark, null);
    }
    if (read.bad() > 0) {
      run.warnings().accept(String.format(java.util.Locale.ROOT, "source %s: %,d of %,d records do not match the"
          + " schema; set aside in %s (on-bad-records = quarantine)", source.name(), read.bad(), read.rows(),
          source.badRecordsTable()));
    }
    if (read.rows() == read.bad() && !source.allowEmpty()) {
      check.release();
      throw read.rows() == 0 ? SourceErrors.emptySource(source.name(), source.location())
          : SourceErrors.noGoodRecords(source.name(), source.location(), read.bad(), source.badRecordsTable());
    }
    return new SourceReader.Opened(read.good(), -1, check);
  }

  /** The columns Spark infers (an extra pass over the data for json), or null if there is nothing to infer from. */
  private StructType inferred() {
    Dataset<Row> probe = load(null, CORRUPT_RECORDS);
    if (probe == null) {
      return null;
    }
    StructField[] columns = Arrays.stream(probe.schema().fields())
        .filter(f -> !f.name().equals(RecordCheck.BAD)).toArray(StructField[]::new);
    return columns.length == 0 ? null : new StructType(columns);
  }

  /** The source read with {@code schema} (null: inferred), or null if there is no data to infer a schema from. */
  private Dataset<Row> load(StructType schema, Map<String, String> options) {
    DataFrameReader reader = spark.read().format(source.format().key()).options(source.options()).options(options);
    if (schema != null) {
      reader = reader.schema(schema);
    }
    try {
      return reader.load(source.location());
    } catch (Exception e) {
      String condition = e instanceof AnalysisException analysis ? analysis.getCondition() : "";
      if ("PATH_NOT_FOUND".equals(condition)) {
        throw SourceErrors.missingSource(source.name(), source.location());
      }
      if ("UNABLE_TO_INFER_SCHEMA".equals(condition)) {
        return null;
      }
      throw e;
    }
  }

  private void requireRecords(Dataset<Row> data) {
    if (!source.allowEmpty() && data.isEmpty()) {
      throw SourceErrors.emptySource(source.name(), source.location());
    }
  }

  /** A source with nothing to infer columns from: an error, or no rows and no columns with allow-empty. */
  private SourceReader.Opened empty() {
    if (!source.allowEmpty()) {
      throw SourceErrors.emptySource(source.name(), source.location());
    }
    return new SourceReader.Opened(spark.emptyDataFrame(), -1, null);
  }
}
