package dev.lakemill.ledger;

import dev.lakemill.delta.DeltaIO;
import dev.lakemill.delta.InputVersion;
import dev.lakemill.delta.KernelTables;
import dev.lakemill.error.LakemillException;
import dev.lakemill.fs.HadoopConf;
import dev.lakemill.fs.Storage;
import dev.lakemill.settings.Environment;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The run ledger: Delta tables {@code <root>/_lakemill/runs} and {@code <root>/_lakemill/steps}.
 * One invocation costs two Delta commits, both at its end, written concurrently. A table that Delta
 * cannot read (a garbled commit, a missing data file) fails every read with a
 * {@link LakemillException.Kind#DAMAGED_STATE} error naming it and how to repair it.
 */
public final class RunLedger {
  /** What the ledger recorded for a step's successful run. */
  public record Recorded(String runId, long outputVersion, String fingerprint, List<InputVersion> inputs,
      Map<String, String> fingerprintParts) {
    public Recorded {
      inputs = List.copyOf(inputs);
      fingerprintParts = fingerprintParts == null ? Map.of() : Map.copyOf(fingerprintParts);
    }

    public Recorded(String runId, long outputVersion, String fingerprint, List<InputVersion> inputs) {
      this(runId, outputVersion, fingerprint, inputs, Map.of());
    }
  }

  static final StructType INPUT = new StructType()
      .add("name", DataTypes.StringType).add("location", DataTypes.StringType).add("version", DataTypes.LongType)
      // Added later (mergeSchema adds it to older ledgers; their inputs read back as "" = the whole table).
      .add("written_by", DataTypes.StringType);
  static final StructType EXPECTATION = new StructType()
      .add("name", DataTypes.StringType).add("on_violation", DataTypes.StringType).add("violations", DataTypes.LongType);
  static final StructType RUNS = new StructType()
      .add("run_id", DataTypes.StringType).add("pipeline", DataTypes.StringType)
      .add("pipeline_file", DataTypes.StringType)
      .add("params", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
      .add("steps", DataTypes.createArrayType(DataTypes.StringType))
      .add("started_at", DataTypes.TimestampType).add("ended_at", DataTypes.TimestampType)
      .add("status", DataTypes.StringType).add("lakemill_version", DataTypes.StringType)
      .add("error", DataTypes.StringType);
  static final StructType STEPS = new StructType()
      .add("run_id", DataTypes.StringType).add("pipeline", DataTypes.StringType).add("step", DataTypes.StringType)
      .add("position", DataTypes.IntegerType).add("status", DataTypes.StringType)
      .add("started_at", DataTypes.TimestampType).add("ended_at", DataTypes.TimestampType)
      .add("duration_ms", DataTypes.LongType)
      .add("inputs", DataTypes.createArrayType(INPUT))
      .add("output_table", DataTypes.StringType).add("output_version", DataTypes.LongType)
      .add("rows_in", DataTypes.LongType).add("rows_out", DataTypes.LongType)
      .add("rows_quarantined", DataTypes.LongType)
      .add("expectations", DataTypes.createArrayType(EXPECTATION))
      .add("fingerprint", DataTypes.StringType).add("error", DataTypes.StringType)
      .add("note", DataTypes.StringType)
      .add("fingerprint_parts", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));

  private final SparkSession spark;
  private final String location;

  private static final String COLLECT_STATS = "spark.databricks.delta.stats.collect";

  /** @param location the ledger folder, {@code <lakehouse root>/_lakemill} */
  public RunLedger(SparkSession spark, String location) {
    this.spark = spark;
    this.location = location;
  }

  public String runsLocation() {
    return location + "/runs";
  }

  public String stepsLocation() {
    return location + "/steps";
  }

  /**
   * Appends one invocation and its steps: two Delta commits, written concurrently since the two
   * tables are independent.
   */
  public void record(RunRecord run, List<StepRecord> steps) {
    // One row builder for both writes (this one and recordWithoutSpark's): values by column name.
    List<Row> stepRows = steps.stream().map(s -> sparkRow(STEPS, stepRow(s))).toList();
    Row runsRow = sparkRow(RUNS, runRow(run));
    // The ledger's tables are small and read whole: file statistics for data skipping only cost time.
    // Compacted every COMPACT_AT_FILES runs: deciding every run reads both tables whole.
    try {
      DeltaIO.withSettings(spark, Map.of(COLLECT_STATS, "false"), () -> DeltaIO.compacting(spark, () -> {
        CompletableFuture<Void> stepsWritten = stepRows.isEmpty()
            ? CompletableFuture.completedFuture(null)
            : CompletableFuture.runAsync(() -> append(stepRows, STEPS, stepsLocation()));
        append(List.of(runsRow), RUNS, runsLocation());
        return stepsWritten.join();
      }));
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /**
   * {@link #record} without Spark: the two appends through Delta Kernel's transaction API (the steps, then
   * the run). What every run writes, whether Spark ran its steps or not: two one-row appends that cost a
   * fraction of a second this way and 3 to 4 s through Spark. A ledger table that does not exist yet is created
   * by its first append, as Spark's would be. Returns false, having written nothing, when Kernel cannot
   * append as Spark would: a ledger table lacks a column (an older lakemill's ledger, which Spark's
   * {@code mergeSchema} widens), or holds {@link DeltaIO#COMPACT_AT_FILES} files and is
   * due for compaction; the caller then records through Spark.
   */
  public static boolean recordWithoutSpark(KernelTables tables, String location, RunRecord run, List<StepRecord> steps) {
    String stepsAt = location + "/steps";
    String runsAt = location + "/runs";
    List<Map<String, Object>> stepRows = steps.stream().map(RunLedger::stepRow).toList();
    Optional<KernelTables.Append> stepsAppend = stepRows.isEmpty() ? Optional.empty()
        : appendOrCreate(tables, stepsAt, STEPS, stepRows);
    Optional<KernelTables.Append> runsAppend = appendOrCreate(tables, runsAt, RUNS, List.of(runRow(run)));
    if (runsAppend.isEmpty() || !stepRows.isEmpty() && stepsAppend.isEmpty()) {
      return false;
    }
    // Kernel cannot compact: a table due for it is written through Spark, which does (DeltaIO.compacting).
    if (runsAppend.get().tableFiles() >= DeltaIO.COMPACT_AT_FILES
        || stepsAppend.isPresent() && stepsAppend.get().tableFiles() >= DeltaIO.COMPACT_AT_FILES) {
      return false;
    }
    stepsAppend.ifPresent(KernelTables.Append::commit);
    runsAppend.get().commit();
    return true;
  }

  /** Kernel's append to {@code location}, or the table's creation when there is none yet; empty where only Spark can. */
  private static Optional<KernelTables.Append> appendOrCreate(KernelTables tables, String location, StructType schema,
      List<Map<String, Object>> rows) {
    DeltaIO.Damaged damaged = (latest, cause) -> LedgerErrors.damaged(location, latest, cause);
    if (tables.latest(location, damaged).isEmpty()) {
      return Optional.of(tables.prepareCreate(location, schema.json(), rows, damaged));
    }
    return tables.prepareAppend(location, rows, damaged);
  }

  private static Map<String, Object> stepRow(StepRecord s) {
    Map<String, Object> row = new java.util.LinkedHashMap<>();
    row.put("run_id", s.runId());
    row.put("pipeline", s.pipeline());
    row.put("step", s.step());
    row.put("position", s.position());
    row.put("status", s.status().text());
    row.put("started_at", ts(s.startedAt()));
    row.put("ended_at", ts(s.endedAt()));
    row.put("duration_ms", s.durationMillis());
    row.put("inputs", s.inputs().stream().<Object>map(i -> fields("name", i.name(), "location", i.location(),
        "version", i.version(), "written_by", i.writtenBy())).toList());
    row.put("output_table", s.outputTable());
    row.put("output_version", s.outputVersion());
    row.put("rows_in", s.rowsIn());
    row.put("rows_out", s.rowsOut());
    row.put("rows_quarantined", s.rowsQuarantined());
    row.put("expectations", s.expectations().stream().<Object>map(e -> fields("name", e.name(),
        "on_violation", e.onViolation(), "violations", e.violations())).toList());
    row.put("fingerprint", s.fingerprint());
    row.put("error", s.error());
    row.put("note", s.note());
    row.put("fingerprint_parts", s.fingerprintParts());
    return row;
  }

  /** A struct's values by field name (nulls kept). */
  private static Map<String, Object> fields(Object... namesAndValues) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      out.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return out;
  }

  private static Map<String, Object> runRow(RunRecord run) {
    Map<String, Object> row = new java.util.LinkedHashMap<>();
    row.put("run_id", run.runId());
    row.put("pipeline", run.pipeline());
    row.put("pipeline_file", run.pipelineFile());
    row.put("params", run.params());
    row.put("steps", run.steps());
    row.put("started_at", ts(run.startedAt()));
    row.put("ended_at", ts(run.endedAt()));
    row.put("status", run.status().text());
    row.put("lakemill_version", run.lakemillVersion());
    row.put("error", run.error());
    return row;
  }

  /** A row given by column name (as {@link #stepRow}/{@link #runRow} build it) as Spark's row of {@code type}. */
  private static Row sparkRow(StructType type, Map<String, Object> values) {
    org.apache.spark.sql.types.StructField[] fields = type.fields();
    Object[] out = new Object[fields.length];
    for (int i = 0; i < fields.length; i++) {
      out[i] = sparkValue(fields[i].dataType(), values.get(fields[i].name()));
    }
    return RowFactory.create(out);
  }

  @SuppressWarnings("unchecked")
  private static Object sparkValue(org.apache.spark.sql.types.DataType type, Object value) {
    if (value == null) {
      return null;
    }
    if (type instanceof StructType struct) {
      return sparkRow(struct, (Map<String, Object>) value);
    }
    if (type instanceof org.apache.spark.sql.types.ArrayType array) {
      return scala(((List<Object>) value).stream().map(e -> sparkValue(array.elementType(), e)).toList());
    }
    if (value instanceof Map<?, ?> map) {
      return scala.jdk.javaapi.CollectionConverters.asScala(map);
    }
    return value;
  }

  /**
   * Appends are blind and never conflict, except while two processes create the table at once (the
   * first runs of two pipelines in a new lakehouse): the loser retries as an append to the new table.
   * mergeSchema: ledgers written by earlier lakemill versions gain the newer columns on their next append.
   */
  private void append(List<Row> rows, StructType schema, String location) {
    for (int attempt = 1; ; attempt++) {
      try {
        spark.createDataFrame(rows, schema).write().format("delta").mode("append").option("mergeSchema", "true")
            .save(location);
        return;
      } catch (io.delta.exceptions.DeltaConcurrentModificationException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  /**
   * The latest successful (or skipped, hence still valid) record of every step of {@code pipeline},
   * in one query: what the step cache compares fingerprints with. Its run id is the run that wrote the
   * output (for a skipped record, the run it reused).
   */
  public Map<String, Recorded> latestDone(String pipeline) {
    // Read through Delta Kernel with the session's Hadoop settings: no Spark job.
    return new LedgerReader(KernelTables.of(spark.sessionState().newHadoopConf()), location).latestDone(pipeline);
  }

  /** A run to resume: its id, its last status, and the steps it selected that have not succeeded. */
  public record Resumable(String runId, RunStatus status, List<String> remaining) {
    public Resumable {
      remaining = List.copyOf(remaining);
    }
  }

  /**
   * The run {@code runId} of {@code pipeline}, or its latest run when {@code runId} is null, with the
   * steps its invocations selected minus those that succeeded (or were up to date) under that id;
   * empty when the ledger has no such run.
   */
  public Optional<Resumable> resumable(String pipeline, String runId) {
    // Read through Delta Kernel with the session's Hadoop settings: no Spark job.
    return new LedgerReader(KernelTables.of(spark.sessionState().newHadoopConf()), location).resumable(pipeline, runId);
  }


  /** The runs table, to query with {@link #runs(UnaryOperator)}: reads fail as damaged there, not here. */
  public Dataset<Row> runs() {
    return reading(runsLocation(), () -> spark.read().format("delta").load(runsLocation()));
  }

  public Dataset<Row> steps() {
    return reading(stepsLocation(), () -> spark.read().format("delta").load(stepsLocation()));
  }

  /** The rows {@code query} selects from the runs table; a table Delta cannot read fails as damaged. */
  public List<Row> runs(UnaryOperator<Dataset<Row>> query) {
    return reading(runsLocation(), () -> query.apply(runs()).collectAsList());
  }

  /**
   * The rows {@code query} selects from the steps table, none when it does not exist yet; a table Delta
   * cannot read fails as damaged.
   */
  public List<Row> steps(UnaryOperator<Dataset<Row>> query) {
    if (!exists(stepsLocation())) {
      return List.of();
    }
    return reading(stepsLocation(), () -> query.apply(steps()).collectAsList());
  }

  /**
   * Whether the ledger at {@code location} ({@code <lakehouse root>/_lakemill}) may have recorded steps (a
   * folder of its tables exists, readable or not), looked up without Spark, with the environment's Hadoop
   * settings.
   */
  public static boolean hasSteps(Environment env, String location) {
    try {
      Storage storage = Storage.of(HadoopConf.of(env));
      return storage.exists(location + "/steps") || storage.exists(location + "/runs");
    } catch (IOException e) {
      throw LedgerErrors.cannotLook(location, e);
    }
  }

  /**
   * Whether the ledger has recorded a run: false for a new lakehouse; a ledger table that remains without a
   * readable log, or a steps table without its runs table, fails as damaged.
   */
  public boolean exists() {
    boolean runs = exists(runsLocation());
    if (!runs && exists(stepsLocation())) {
      throw LedgerErrors.runsMissing(runsLocation(), stepsLocation());
    }
    return runs;
  }

  private boolean exists(String table) {
    return DeltaIO.present(spark, table, (latest, cause) -> LedgerErrors.damaged(table, latest, cause));
  }

  /** Runs {@code read} on {@code table}; Delta failing to read it becomes {@link LedgerErrors#damaged}. */
  private <T> T reading(String table, Supplier<T> read) {
    return DeltaIO.reading(spark, table, read, (latest, cause) -> LedgerErrors.damaged(table, latest, cause));
  }

  private static Timestamp ts(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }

  private static <T> scala.collection.immutable.Seq<T> scala(List<T> list) {
    return scala.jdk.javaapi.CollectionConverters.asScala(list).toSeq();
  }
}
