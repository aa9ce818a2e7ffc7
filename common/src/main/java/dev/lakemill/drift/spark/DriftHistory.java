package dev.lakemill.drift.spark;

import static org.apache.spark.sql.functions.col;

import dev.lakemill.delta.DeltaIO;
import dev.lakemill.delta.KernelTables;
import dev.lakemill.settings.Environment;
import dev.lakemill.delta.DeltaLogFiles;
import dev.lakemill.drift.ColumnDrift;
import dev.lakemill.drift.DatasetDrift;
import dev.lakemill.drift.HistoryEntry;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A drift step's history table: one row per run, column and method, plus one dataset row per run
 * ({@code level = 'dataset'}, {@code column = '*'}, {@code method = 'share'}: value is the drifted
 * share, threshold the {@code dataset-drift-share}). A run replaces the rows of its own (pipeline, step,
 * run date) in one Delta commit, so a retried run never doubles the history, and two drift steps of one
 * pipeline can share a table. Every history table lakemill wrote has the {@code step} column, so a table
 * written when the key was (pipeline, run date) is read and written the same way, with no migration.
 */
public final class DriftHistory {
  /** The table's columns, in order; docs/DRIFT.md documents each. */
  public static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType).add("run_date", DataTypes.DateType)
      .add("pipeline", DataTypes.StringType).add("step", DataTypes.StringType)
      .add("model_name", DataTypes.StringType).add("model_version", DataTypes.IntegerType)
      .add("reference_table", DataTypes.StringType).add("reference_version", DataTypes.LongType)
      .add("current_table", DataTypes.StringType).add("current_version", DataTypes.LongType)
      .add("level", DataTypes.StringType).add("column", DataTypes.StringType)
      .add("column_type", DataTypes.StringType).add("method", DataTypes.StringType)
      .add("value", DataTypes.DoubleType).add("p_value", DataTypes.DoubleType)
      .add("threshold", DataTypes.DoubleType).add("drifted", DataTypes.BooleanType)
      .add("error_bound", DataTypes.DoubleType)
      .add("reference_null_rate", DataTypes.DoubleType).add("current_null_rate", DataTypes.DoubleType)
      .add("reference_rows", DataTypes.LongType).add("current_rows", DataTypes.LongType)
      .add("action", DataTypes.StringType).add("computed_at", DataTypes.TimestampType);

  /**
   * Who and what a run compared, repeated on each of its rows.
   *
   * @param modelName the model, null for a step without one
   * @param modelVersion its version, null without a model
   * @param referenceVersion the reference's Delta version, -1 when it is not a Delta table
   * @param currentVersion likewise for the current rows
   */
  public record Run(String runId, LocalDate runDate, String pipeline, String step, String modelName, Integer modelVersion,
      String referenceTable, long referenceVersion, String currentTable, long currentVersion) {
    /** {@code name@vN}, or {@link #NO_MODEL}. */
    public String model() {
      return modelLabel(modelName, modelVersion);
    }
  }

  /** How the history names the model of a step without one. */
  public static final String NO_MODEL = "-";

  private static String modelLabel(String name, Integer version) {
    return name == null ? NO_MODEL : name + "@v" + version;
  }

  private DriftHistory() {}

  /** The dataset row first, then one row per column, in the engine's order ({@link #SCHEMA}). */
  public static List<Row> rows(Run run, DatasetDrift drift, String action, Instant at) {
    List<Row> out = new ArrayList<>();
    long refRows = drift.columns().isEmpty() ? 0 : drift.columns().get(0).referenceRows();
    long curRows = drift.columns().isEmpty() ? 0 : drift.columns().get(0).currentRows();
    out.add(row(run, HistoryEntry.DATASET, HistoryEntry.ALL_COLUMNS, null, HistoryEntry.SHARE, drift.driftedShare(),
        null, drift.driftShareThreshold(), drift.drifted(), 0.0, null, null, refRows, curRows, action, at));
    for (ColumnDrift c : drift.columns()) {
      out.add(row(run, HistoryEntry.COLUMN, c.column(), c.kind().name().toLowerCase(java.util.Locale.ROOT),
          c.method().configName(), c.value(), Double.isNaN(c.pValue()) ? null : c.pValue(), c.threshold(), c.drifted(),
          c.errorBound(), c.referenceNullRate(), c.currentNullRate(), c.referenceRows(), c.currentRows(), "", at));
    }
    return out;
  }

  private static Row row(Run run, String level, String column, String type, String method, double value, Double pValue,
      double threshold, boolean drifted, double errorBound, Double refNulls, Double curNulls, long refRows, long curRows,
      String action, Instant at) {
    return RowFactory.create(run.runId(), Date.valueOf(run.runDate()), run.pipeline(), run.step(), run.modelName(),
        run.modelVersion(), run.referenceTable(), run.referenceVersion(), run.currentTable(), run.currentVersion(), level,
        column, type, method, value, pValue, threshold, drifted, errorBound, refNulls, curNulls, refRows, curRows, action,
        Timestamp.from(at));
  }

  /**
   * Replaces the rows of ({@code run.pipeline()}, {@code run.step()}, {@code run.runDate()}) with {@code rows}:
   * one Delta commit, tagged by the session (see {@link DeltaIO#tagCommits}).
   *
   * @return the version written and its row count
   */
  public static DeltaIO.Written write(SparkSession spark, String location, Run run, List<Row> rows, String tag) {
    java.time.Instant started = java.time.Instant.now();
    Dataset<Row> data = spark.createDataFrame(rows, SCHEMA);
    // Each night adds a file and each night's drift step reads the history: compacted every COMPACT_AT_FILES.
    DeltaIO.compacting(spark, () -> {
      if (!present(spark, location)) {
        data.write().format("delta").mode("errorifexists").save(location);
      } else {
        data.write().format("delta").mode("overwrite")
            .option("replaceWhere", "pipeline = " + literal(run.pipeline()) + " AND step = " + literal(run.step())
                + " AND run_date = DATE '" + run.runDate() + "'")
            .save(location);
      }
      return null;
    });
    DeltaIO.Written written = DeltaLogFiles.taggedCommit(spark, location, tag, started);
    return new DeltaIO.Written(written.version(), rows.size());
  }

  /** A SQL string literal. */
  private static String literal(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /**
   * The rows of drift step {@code step} of {@code pipeline} on its last {@code runDates} run dates before
   * {@code before} (null: the last ones of all), oldest first; empty when the table does not exist yet.
   *
   * @param column only this column's rows and the dataset rows, or null for all
   */
  public static List<HistoryEntry> entries(SparkSession spark, String location, String pipeline, String step,
      LocalDate before, int runDates, String column) {
    if (runDates <= 0 || !present(spark, location)) {
      return List.of();
    }
    return DeltaIO.reading(spark, location, () -> read(spark, location, pipeline, step, before, runDates, column),
        (latest, cause) -> DriftErrors.damaged(location, latest, cause));
  }

  /**
   * Whether the drift history table at {@code location} exists: false when nothing is there; a table that
   * Delta cannot read, or whose log is gone, fails as damaged ({@link dev.lakemill.error.LakemillException.Kind#DAMAGED_STATE}).
   */
  public static boolean present(SparkSession spark, String location) {
    return DeltaIO.present(spark, location, (latest, cause) -> DriftErrors.damaged(location, latest, cause));
  }

  private static List<HistoryEntry> read(SparkSession spark, String location, String pipeline, String step,
      LocalDate before, int runDates, String column) {
    Dataset<Row> rows = spark.read().format("delta").load(location)
        .where(col("pipeline").equalTo(pipeline).and(col("step").equalTo(step)));
    if (before != null) {
      rows = rows.where(col("run_date").lt(Date.valueOf(before)));
    }
    if (column != null) {
      rows = rows.where(col("level").equalTo(HistoryEntry.DATASET).or(col("column").equalTo(column)));
    }
    List<Row> recent = rows
        .withColumn("_rank", org.apache.spark.sql.functions.dense_rank()
            .over(org.apache.spark.sql.expressions.Window.orderBy(col("run_date").desc())))
        .where(col("_rank").leq(runDates))
        .orderBy(col("run_date"), col("level").desc(), col("column"))
        .collectAsList();
    List<HistoryEntry> out = new ArrayList<>();
    for (Row r : recent) {
      Double p = r.getAs("p_value");
      out.add(new HistoryEntry(r.<Date>getAs("run_date").toLocalDate(), r.getAs("level"), r.getAs("column"),
          r.getAs("method"), r.<Double>getAs("value"), p == null ? Double.NaN : p, r.<Double>getAs("threshold"),
          r.<Boolean>getAs("drifted"), modelLabel(r.getAs("model_name"), r.getAs("model_version")),
          r.getAs("action")));
    }
    return out;
  }

  /**
   * Like {@link #entries(SparkSession, String, String, String, LocalDate, int, String)}, read through Delta Kernel
   * with the environment's Hadoop settings: no SparkSession ({@code lakemill drift history}).
   */
  public static List<HistoryEntry> entries(Environment env, String location, String pipeline, String step,
      LocalDate before, int runDates, String column) {
    if (runDates <= 0) {
      return List.of();
    }
    List<java.util.Map<String, Object>> rows = KernelTables.of(env).rows(location, List.of(SCHEMA.fieldNames()),
            (latest, cause) -> DriftErrors.damaged(location, latest, cause))
        .map(KernelTables.Rows::rows).orElse(List.of()).stream()
        .filter(r -> pipeline.equals(r.get("pipeline")) && step.equals(r.get("step")))
        .filter(r -> before == null || ((Date) r.get("run_date")).toLocalDate().isBefore(before))
        .filter(r -> column == null || HistoryEntry.DATASET.equals(r.get("level")) || column.equals(r.get("column")))
        .toList();
    java.util.Set<Date> dates = new java.util.TreeSet<>(java.util.Comparator.reverseOrder());
    rows.forEach(r -> dates.add((Date) r.get("run_date")));
    java.util.Set<Date> recent = dates.stream().limit(runDates).collect(java.util.stream.Collectors.toSet());
    List<HistoryEntry> out = new ArrayList<>();
    rows.stream().filter(r -> recent.contains((Date) r.get("run_date")))
        .sorted(java.util.Comparator.comparing((java.util.Map<String, Object> r) -> (Date) r.get("run_date"))
            .thenComparing(r -> (String) r.get("level"), java.util.Comparator.nullsFirst(
                java.util.Comparator.<String>reverseOrder()))
            .thenComparing(r -> (String) r.get("column"), java.util.Comparator.nullsFirst(
                java.util.Comparator.<String>naturalOrder())))
        .forEach(r -> {
          Double p = (Double) r.get("p_value");
          out.add(new HistoryEntry(((Date) r.get("run_date")).toLocalDate(), (String) r.get("level"),
              (String) r.get("column"), (String) r.get("method"), (Double) r.get("value"), p == null ? Double.NaN : p,
              (Double) r.get("threshold"), (Boolean) r.get("drifted"),
              modelLabel((String) r.get("model_name"), (Integer) r.get("model_version")), (String) r.get("action")));
        });
    return out;
  }

  /** History entries of this run, as {@link #entries} would read them back. */
  public static List<HistoryEntry> entries(Run run, DatasetDrift drift, String action) {
    List<HistoryEntry> out = new ArrayList<>();
    String model = run.model();
    out.add(new HistoryEntry(run.runDate(), HistoryEntry.DATASET, HistoryEntry.ALL_COLUMNS, HistoryEntry.SHARE,
        drift.driftedShare(), Double.NaN, drift.driftShareThreshold(), drift.drifted(), model, action));
    for (ColumnDrift c : drift.columns()) {
      out.add(new HistoryEntry(run.runDate(), HistoryEntry.COLUMN, c.column(), c.method().configName(), c.value(),
          c.pValue(), c.threshold(), c.drifted(), model, ""));
    }
    return out;
  }
}
