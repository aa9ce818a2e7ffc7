package dev.lakemill.delta;

import dev.lakemill.error.LakemillException;
import dev.lakemill.fs.HadoopConf;
import dev.lakemill.fs.Storage;
import dev.lakemill.settings.Environment;
import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.expressions.Predicate;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Delta tables read through Delta Kernel, without a SparkSession: the latest version of a table, and all
 * rows of a snapshot as plain Java values. For lakemill's own metadata tables (ledger, registry, drift
 * history), which are small and read whole. Kernel handles checkpoints, deletion vectors, column mapping
 * and partition values. A table that is not there is absent; one that Kernel cannot read fails with what
 * the caller's {@link DeltaIO.Damaged} makes of it, with the same messages as the Spark path.
 *
 * <p>Values come as Spark's {@code Row.get} gives them for the same columns: {@code String}, {@code Long},
 * {@code Integer}, {@code Double}, {@code Boolean}, {@link Timestamp} for timestamps, {@link List} for
 * arrays, {@link Map} for maps and {@code Map<String, Object>} (column name to value) for structs.
 */
public final class KernelTables {
  private final Engine engine;
  private final Configuration hadoop;
  private final Storage storage;
  /**
   * The rows last read of each table and column list, with their snapshot's version: a snapshot never changes,
   * so a second read of the same version (deciding a run reads the ledger and the registry more than once) is
   * answered from here. One entry per table and columns, replaced when the table moves on.
   */
  private final Map<String, Read> lastRead = new java.util.concurrent.ConcurrentHashMap<>();
  /** Copies of the latest rows kept beside each local table, for the next process (see {@link RowsCache}). */
  private final RowsCache copies;
  /**
   * The latest snapshot last loaded of each table, reused while a listing of its log shows the same newest
   * commit file (name, size and time: a table deleted and written again at the same version does not match).
   */
  private final Map<String, Known> latestKnown = new java.util.concurrent.ConcurrentHashMap<>();

  private KernelTables(Configuration hadoop) {
    this.hadoop = hadoop;
    LocalFirstFileIO io = new LocalFirstFileIO(hadoop);
    this.storage = io.storage();
    this.engine = DefaultEngine.create(io);
    this.copies = new RowsCache(storage);
  }

  /**
   * Loads and initialises, on another thread, what any Kernel read needs whatever the environment: Delta Kernel's
   * engine. For a command that only reads to call first, before its environment (and so its Hadoop settings) is
   * loaded. Reads nothing. The Parquet reader is not loaded here: most reads are answered from copies
   * ({@link RowsCache}), and one that is not loads it on the background thread that reads.
   */
  public static void warmUp() {
    warmUp(false);
  }

  /**
   * {@link #warmUp()} for a run, with the Parquet reader's and writer's classes too: every run writes its ledger
   * rows as a Parquet file, and a step that runs reads and writes Parquet through Spark.
   */
  public static void warmUpForRun() {
    warmUp(true);
  }

  private static void warmUp(boolean parquet) {
    java.util.concurrent.CompletableFuture.runAsync(() -> {
      try {
        DefaultEngine.create(new LocalFirstFileIO(new Configuration(false)));
        if (parquet) {
          Class.forName("org.apache.parquet.hadoop.ParquetReader");
          Class.forName("org.apache.parquet.hadoop.metadata.ParquetMetadata");
        }
      } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
        // The reads that follow meet it again and report it.
      }
    });
  }

  /** Reads with the environment's Hadoop configuration ({@link HadoopConf#of}). */
  public static KernelTables of(Environment env) {
    return new KernelTables(HadoopConf.of(env));
  }

  /** Reads with {@code hadoop}, e.g. a running session's ({@code spark.sessionState().newHadoopConf()}). */
  public static KernelTables of(Configuration hadoop) {
    return new KernelTables(hadoop);
  }

  /** The rows of one snapshot: its version and each row as column name to value, in the table's file order. */
  public record Rows(long version, List<Map<String, Object>> rows) {
    public Rows {
      rows = List.copyOf(rows);
    }
  }

  /**
   * The latest snapshot of {@code location}, empty when there is nothing there (a table never written);
   * {@code damaged} when a folder remains without a readable log or Kernel cannot read the log.
   */
  public Optional<Snapshot> latest(String location, DeltaIO.Damaged damaged) {
    return latest(location, listedNewest(location), damaged);
  }

  /** {@link #latest(String, DeltaIO.Damaged)} with the newest commit file a listing just showed (null: none). */
  private Optional<Snapshot> latest(String location, CommitFile newest, DeltaIO.Damaged damaged) {
    Known known = latestKnown.get(location);
    if (known != null && known.commit().equals(newest)) {
      return Optional.of(known.snapshot());
    }
    Optional<Snapshot> latest = snapshot(location, OptionalLong.empty(), damaged);
    if (newest != null && latest.isPresent() && latest.get().getVersion() == newest.version()) {
      latestKnown.put(location, new Known(newest, latest.get()));
    }
    return latest;
  }

  /** A table's latest snapshot, known to be latest while its newest commit file is {@code commit}. */
  private record Known(CommitFile commit, Snapshot snapshot) {}

  /** A commit file as a listing shows it. */
  private record CommitFile(long version, long size, long modified) {}

  /** {@link #newestCommitFile}, null when there is none or the log cannot be listed (loading the snapshot says why). */
  private CommitFile listedNewest(String location) {
    try {
      return newestCommitFile(location);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Like {@link #latest}, at {@code version} when one is given. */
  public Optional<Snapshot> snapshot(String location, OptionalLong version, DeltaIO.Damaged damaged) {
    return reading(location, () -> {
      try {
        var builder = TableManager.loadSnapshot(location);
        return Optional.of((version.isPresent() ? builder.atVersion(version.getAsLong()) : builder).build(engine));
      } catch (TableNotFoundException e) {
        remainsWithoutLog(location).ifPresent(why -> {
          throw new DeltaIO.MissingLog("the table is missing: " + why);
        });
        return Optional.empty();
      }
    }, damaged);
  }

  /** The Hadoop settings this reader uses. */
  public Configuration hadoop() {
    return hadoop;
  }

  /**
   * The latest version of {@code location} committed at or before {@code millis} (the commit timestamps
   * {@code DESCRIBE HISTORY} shows); empty when there is no table or its oldest commit still in the log is later.
   */
  public OptionalLong versionAt(String location, long millis, DeltaIO.Damaged damaged) {
    Optional<Snapshot> latest = latest(location, damaged);
    if (latest.isEmpty()) {
      return OptionalLong.empty();
    }
    return reading(location, () -> {
      Snapshot newest = latest.get();
      if (millis >= newest.getTimestamp(engine)) {
        return OptionalLong.of(newest.getVersion());
      }
      try {
        return OptionalLong.of(TableManager.loadSnapshot(location).atTimestamp(millis, newest).build(engine).getVersion());
      } catch (io.delta.kernel.exceptions.KernelException before) {
        return OptionalLong.empty(); // earlier than the oldest commit Delta keeps
      }
    }, damaged);
  }

  /** Of a commit file's actions, what lakemill reads: its commitInfo and the transaction ids it sets. */
  private static final StructType COMMIT_ACTIONS = new StructType()
      .add("commitInfo", new StructType().add("timestamp", LongType.LONG).add("operation", StringType.STRING)
          .add("userMetadata", StringType.STRING)
          .add("operationMetrics", new MapType(StringType.STRING, StringType.STRING, true)))
      .add("txn", new StructType().add("appId", StringType.STRING).add("version", LongType.LONG))
      .add("add", new StructType().add("path", StringType.STRING))
      .add("remove", new StructType().add("path", StringType.STRING));

  /**
   * One commit as its commit file records it: version, commit time, operation, the user metadata lakemill tags
   * commits with, the rows it reported writing (-1 when it reported none), the transaction ids it set, and the
   * paths (relative to the table, URL-encoded, as the log holds them) of the data files it added and removed.
   */
  public record Commit(long version, long timestamp, String operation, String userMetadata, long rows,
      List<String> transactions, List<String> added, List<String> removed) {
    public Commit {
      transactions = List.copyOf(transactions);
      added = List.copyOf(added);
      removed = List.copyOf(removed);
    }
  }

  /** Commit {@code version} of {@code location}, read through Kernel's JSON handler; empty when its file is gone. */
  public Optional<Commit> commit(String location, long version) {
    Path file = new Path(new Path(location, "_delta_log"), String.format("%020d.json", version));
    long timestamp = -1;
    String operation = "";
    String userMetadata = null;
    long rows = -1;
    List<String> transactions = new ArrayList<>();
    List<String> added = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    try {
      Optional<Storage.Entry> status = storage.status(file.toString());
      if (status.isEmpty()) {
        return Optional.empty();
      }
      try (CloseableIterator<ColumnarBatch> batches = engine.getJsonHandler().readJsonFiles(
          io.delta.kernel.internal.util.Utils.singletonCloseableIterator(
              FileStatus.of(status.get().path(), status.get().length(), status.get().modified())),
          COMMIT_ACTIONS, Optional.empty())) {
        while (batches.hasNext()) {
          ColumnarBatch batch = batches.next();
          ColumnVector info = batch.getColumnVector(0);
          ColumnVector txn = batch.getColumnVector(1);
          for (int i = 0; i < batch.getSize(); i++) {
            if (!info.isNullAt(i)) {
              @SuppressWarnings("unchecked")
              Map<String, Object> c = (Map<String, Object>) value(info, i);
              timestamp = c.get("timestamp") == null ? timestamp : (Long) c.get("timestamp");
              operation = c.get("operation") == null ? "" : (String) c.get("operation");
              userMetadata = (String) c.get("userMetadata");
              rows = rows((Map<?, ?>) c.get("operationMetrics"));
            }
            if (!txn.isNullAt(i) && !txn.getChild(0).isNullAt(i)) {
              transactions.add(txn.getChild(0).getString(i));
            }
            for (int action = 2; action <= 3; action++) {
              ColumnVector data = batch.getColumnVector(action);
              if (!data.isNullAt(i) && !data.getChild(0).isNullAt(i)) {
                (action == 2 ? added : removed).add(data.getChild(0).getString(i));
              }
            }
          }
        }
      }
      if (timestamp < 0) {
        timestamp = status.get().modified();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the Delta log of " + location + " at version " + version, e);
    }
    return Optional.of(new Commit(version, timestamp, operation, userMetadata, rows, transactions, added, removed));
  }

  /** The rows a commit reports writing: Spark's numOutputRows (writes) or numSourceRows (merges), else -1. */
  private static long rows(Map<?, ?> metrics) {
    if (metrics == null) {
      return -1;
    }
    Object n = metrics.containsKey("numOutputRows") ? metrics.get("numOutputRows") : metrics.get("numSourceRows");
    return n == null ? -1 : Long.parseLong(n.toString());
  }

  /**
   * The commit of {@code location} that set the transaction {@code appId} (Delta's idempotent writes,
   * {@code txnAppId}), searched from the newest commit back to the oldest commit file the log still holds, with
   * no depth limit: the table's state says first whether the transaction is there at all (Kernel's
   * {@code SetTransaction} lookup), so a table without it costs no search. Empty when the table has no such
   * transaction, or its commit file was cleaned up.
   */
  public Optional<Commit> transactionCommit(String location, String appId, DeltaIO.Damaged damaged) {
    Optional<Snapshot> latest = latest(location, damaged);
    if (latest.isEmpty() || ((io.delta.kernel.internal.SnapshotImpl) latest.get())
        .getLatestTransactionVersion(engine, appId).isEmpty()) {
      return Optional.empty();
    }
    for (long version = latest.get().getVersion(); version >= 0; version--) {
      Optional<Commit> commit = commit(location, version);
      if (commit.isEmpty()) {
        return Optional.empty(); // the log was cleaned up before this version
      }
      if (commit.get().transactions().contains(appId)) {
        return commit;
      }
    }
    return Optional.empty();
  }

  /** The latest version of {@code location}, empty when there is no table there. */
  public OptionalLong latestVersion(String location, DeltaIO.Damaged damaged) {
    return latest(location, damaged).map(s -> OptionalLong.of(s.getVersion())).orElse(OptionalLong.empty());
  }

  /**
   * Every row of the latest snapshot of {@code location}, with the {@code columns} the table has (a column
   * it lacks, e.g. one added by a later lakemill version, reads as null); empty when there is no table.
   */
  public Optional<Rows> rows(String location, List<String> columns, DeltaIO.Damaged damaged) {
    return latestRows(location, columns, null, damaged);
  }

  /**
   * The rows of the latest snapshot of {@code location} whose {@code where.column()} equals {@code where.value()},
   * projected on {@code columns} as {@link #rows(String, List, DeltaIO.Damaged)}. Files whose statistics rule the
   * value out are not read (Delta's data skipping): the ledger's files of other pipelines, for example.
   */
  public Optional<Rows> rows(String location, List<String> columns, Equals where, DeltaIO.Damaged damaged) {
    return latestRows(location, columns, where, damaged);
  }

  /**
   * The rows of the latest version of {@code location}: from the copy kept beside the table when it is of that
   * version ({@link RowsCache}), else read through Kernel, and kept for the next reader.
   */
  private Optional<Rows> latestRows(String location, List<String> columns, Equals where, DeltaIO.Damaged damaged) {
    checkFilter(columns, where);
    CommitFile newest = listedNewest(location);
    RowsCache.Stamp stamp = stamp(location, newest);
    if (stamp != null) {
      Optional<List<Map<String, Object>>> copy = copies.read(location, columns, where, stamp);
      if (copy.isPresent()) {
        return Optional.of(new Rows(stamp.version(), copy.get()));
      }
    }
    Optional<Snapshot> latest = latest(location, newest, damaged);
    if (latest.isEmpty()) {
      return Optional.empty();
    }
    Read read = read(latest.get(), columns, where, damaged);
    if (stamp != null && read.rows().version() == stamp.version()) {
      copies.write(location, columns, where, stamp, read.files(), read.rows().rows());
    }
    return Optional.of(read.rows());
  }

  /**
   * Whether there is a table at {@code location}: from a copy of the fact kept beside it when it is of the
   * table's newest commit, else by loading its latest snapshot through Kernel ({@link #latest}), which reports a
   * table whose log cannot be read as {@code damaged}. Reads no data, as {@link #latest} does not.
   */
  public boolean present(String location, DeltaIO.Damaged damaged) {
    CommitFile newest = listedNewest(location);
    RowsCache.Stamp stamp = stamp(location, newest);
    if (stamp != null && copies.read(location, List.of(), null, stamp).isPresent()) {
      return true;
    }
    Optional<Snapshot> latest = latest(location, newest, damaged);
    if (stamp != null && latest.isPresent() && latest.get().getVersion() == stamp.version()) {
      copies.write(location, List.of(), null, stamp, List.of(), List.of());
    }
    return latest.isPresent();
  }

  /** The stamp of {@code newest}, the newest commit a listing of {@code location}'s log shows; null without one. */
  private RowsCache.Stamp stamp(String location, CommitFile newest) {
    return newest == null ? null : copies.stamp(location, newest.version(), newest.size(), newest.modified());
  }

  /** Rows read through Kernel, with the data files they were read from (paths as Kernel gives them). */
  private record Read(Rows rows, List<String> files) {}

  private static void checkFilter(List<String> columns, Equals where) {
    if (where != null && !columns.contains(where.column())) {
      throw new IllegalArgumentException("filter column " + where.column() + " is not among the columns read " + columns);
    }
  }

  /** Every row of {@code snapshot}, projected on {@code columns} as {@link #rows(String, List, DeltaIO.Damaged)}. */
  public Rows rows(Snapshot snapshot, List<String> columns, DeltaIO.Damaged damaged) {
    return read(snapshot, columns, null, damaged).rows();
  }

  /** A string column equal to a value: which rows {@link #rows(String, List, Equals, DeltaIO.Damaged)} returns. */
  public record Equals(String column, String value) {
    public Equals {
      java.util.Objects.requireNonNull(column, "column");
      java.util.Objects.requireNonNull(value, "value");
    }
  }

  private Read read(Snapshot snapshot, List<String> columns, Equals where, DeltaIO.Damaged damaged) {
    checkFilter(columns, where);
    String key = snapshot.getPath() + "\n" + columns + (where == null ? "" : "\n" + where);
    Read known = lastRead.get(key);
    if (known != null && known.rows().version() == snapshot.getVersion()) {
      return known;
    }
    Read read = scan(snapshot, columns, where, damaged);
    lastRead.put(key, read);
    return read;
  }

  private Read scan(Snapshot snapshot, List<String> columns, Equals where, DeltaIO.Damaged damaged) {
    StructType schema = snapshot.getSchema();
    List<StructField> fields = new ArrayList<>();
    for (String c : columns) {
      if (schema.fieldNames().contains(c)) {
        fields.add(schema.get(c));
      }
    }
    StructType read = new StructType(fields);
    boolean filtered = where != null && schema.fieldNames().contains(where.column());
    return reading(snapshot.getPath(), () -> {
      List<Map<String, Object>> out = new ArrayList<>();
      List<String> readFrom = new ArrayList<>();
      var builder = snapshot.getScanBuilder().withReadSchema(read);
      if (filtered) {
        // Skips the files whose min and max of the column exclude the value; the rows of the files read are
        // filtered below (Kernel leaves that to the reader).
        builder = builder.withFilter(new Predicate("=", new Column(where.column()), Literal.ofString(where.value())));
      }
      Scan scan = builder.build();
      Row state = scan.getScanState(engine);
      StructType physical = ScanStateRow.getPhysicalDataReadSchema(state);
      try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
        while (files.hasNext()) {
          try (CloseableIterator<Row> fileRows = files.next().getRows()) {
            while (fileRows.hasNext()) {
              Row file = fileRows.next();
              FileStatus status = InternalScanFileUtils.getAddFileStatus(file);
              readFrom.add(status.getPath());
              CloseableIterator<ColumnarBatch> data = engine.getParquetHandler()
                  .readParquetFiles(io.delta.kernel.internal.util.Utils.singletonCloseableIterator(status), physical,
                      Optional.empty())
                  .map(FileReadResult::getData);
              try (CloseableIterator<FilteredColumnarBatch> logical = Scan.transformPhysicalData(engine, state, file, data)) {
                while (logical.hasNext()) {
                  collect(logical.next(), columns, out);
                }
              }
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (where != null) {
        out.removeIf(r -> !where.value().equals(r.get(where.column())));
      }
      return new Read(new Rows(snapshot.getVersion(), out), readFrom);
    }, damaged);
  }

  private static void collect(FilteredColumnarBatch batch, List<String> columns, List<Map<String, Object>> out) {
    ColumnarBatch data = batch.getData();
    StructType schema = data.getSchema();
    Optional<ColumnVector> selected = batch.getSelectionVector();
    for (int i = 0; i < data.getSize(); i++) {
      if (selected.isPresent() && (selected.get().isNullAt(i) || !selected.get().getBoolean(i))) {
        continue; // deleted by a deletion vector
      }
      Map<String, Object> row = new LinkedHashMap<>();
      for (String c : columns) {
        int at = schema.indexOf(c);
        row.put(c, at < 0 ? null : value(data.getColumnVector(at), i));
      }
      out.add(java.util.Collections.unmodifiableMap(row)); // shared by later reads of the same version
    }
  }

  /** The value at {@code i} as Spark's {@code Row.get} gives it. */
  private static Object value(ColumnVector v, int i) {
    if (v.isNullAt(i)) {
      return null;
    }
    DataType type = v.getDataType();
    if (type instanceof StringType) {
      return v.getString(i);
    } else if (type instanceof LongType) {
      return v.getLong(i);
    } else if (type instanceof IntegerType) {
      return v.getInt(i);
    } else if (type instanceof DoubleType) {
      return v.getDouble(i);
    } else if (type instanceof BooleanType) {
      return v.getBoolean(i);
    } else if (type instanceof FloatType) {
      return v.getFloat(i);
    } else if (type instanceof DateType) {
      return java.sql.Date.valueOf(java.time.LocalDate.ofEpochDay(v.getInt(i)));
    }
    return complex(v, i, type);
  }

  private static Object complex(ColumnVector v, int i, DataType type) {
    if (type instanceof TimestampType || type instanceof TimestampNTZType) {
      long micros = v.getLong(i);
      return Timestamp.from(Instant.EPOCH.plusNanos(Math.multiplyExact(micros, 1000L)));
    }
    if (type instanceof ArrayType) {
      ColumnVector elements = v.getArray(i).getElements();
      List<Object> list = new ArrayList<>();
      for (int e = 0; e < v.getArray(i).getSize(); e++) {
        list.add(value(elements, e));
      }
      return list;
    }
    if (type instanceof MapType) {
      var map = v.getMap(i);
      Map<Object, Object> out = new LinkedHashMap<>();
      for (int e = 0; e < map.getSize(); e++) {
        out.put(value(map.getKeys(), e), value(map.getValues(), e));
      }
      return out;
    }
    if (type instanceof StructType struct) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (int f = 0; f < struct.length(); f++) {
        out.put(struct.at(f).getName(), value(v.getChild(f), i));
      }
      return out;
    }
    if (type instanceof io.delta.kernel.types.DecimalType) {
      return v.getDecimal(i);
    }
    throw new IllegalStateException("Cannot read a Delta column of type " + type);
  }

  /**
   * An append {@link #prepareAppend} checked, or a table's creation with its first rows
   * ({@link #prepareCreate}): {@link #commit} writes it as one commit.
   */
  public final class Append {
    private final String location;
    private final Snapshot latest; // null: the commit creates the table
    private final StructType schema;
    private final io.delta.kernel.Transaction txn;
    private final List<Row> data;
    private final List<Map<String, Object>> rows;
    private final DeltaIO.Damaged damaged;

    private Append(String location, Snapshot latest, StructType schema, io.delta.kernel.Transaction txn, List<Row> data,
        List<Map<String, Object>> rows, DeltaIO.Damaged damaged) {
      this.location = location;
      this.latest = latest;
      this.schema = schema;
      this.txn = txn;
      this.data = data;
      this.rows = rows;
      this.damaged = damaged;
    }

    /**
     * Writes the rows' parquet file and commits it; returns the version committed. A creation that finds
     * the table created meanwhile (another run's first ledger write at the same moment) appends instead.
     */
    public long commit() {
      Committed done;
      try {
        done = KernelTables.this.commit(location, schema, txn, data);
      } catch (io.delta.kernel.exceptions.ConcurrentWriteException
          | io.delta.kernel.exceptions.TableAlreadyExistsException created) {
        if (latest != null) {
          throw created;
        }
        latestKnown.remove(location);
        return prepareAppend(location, rows, damaged)
            .orElseThrow(() -> new IllegalStateException("Cannot append to " + location + ", created meanwhile with"
                + " another schema", created))
            .commit();
      }
      // Exactly this append on top of the version read (Kernel did not rebase it past another writer's commit):
      // the copies of that version plus these rows are the copies of this one.
      if (latest != null && done.version() == latest.getVersion() + 1) {
        copies.carryForward(location, copies.stamp(location, latest.getVersion()), copies.stamp(location, done.version()),
            done.files(), this::appended);
      }
      return done.version();
    }

    /** The appended rows as a read of {@code columns} and {@code where} gives them. */
    private List<Map<String, Object>> appended(List<String> columns, Equals where) {
      List<Map<String, Object>> out = new ArrayList<>();
      collect(new FilteredColumnarBatch(
          new io.delta.kernel.defaults.internal.data.DefaultRowBasedColumnarBatch(schema, data), Optional.empty()),
          columns, out);
      if (where != null) {
        out.removeIf(r -> !where.value().equals(r.get(where.column())));
      }
      return out;
    }

    /** How many data files the table has before this append: its snapshot's files, read from its log. */
    public int tableFiles() {
      if (latest == null) {
        return 0;
      }
      int files = 0;
      try (CloseableIterator<FilteredColumnarBatch> batches = latest.getScanBuilder().build().getScanFiles(engine)) {
        while (batches.hasNext()) {
          try (CloseableIterator<Row> rows = batches.next().getRows()) {
            while (rows.hasNext()) {
              rows.next();
              files++;
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return files;
    }
  }

  /**
   * Prepares appending {@code rows} (column name to value, values as {@link #rows} gives them) to the table
   * at {@code location} through Kernel's transaction API, without a SparkSession. Empty, with nothing
   * written, when Kernel cannot append them as Spark's {@code mergeSchema} append would: there is no table
   * yet, it lacks a column of {@code rows} (a table of an older lakemill, which Spark widens first), or it
   * uses a table feature Kernel cannot write.
   */
  public Optional<Append> prepareAppend(String location, List<Map<String, Object>> rows, DeltaIO.Damaged damaged) {
    Optional<Snapshot> latest = latest(location, damaged);
    if (latest.isEmpty()) {
      return Optional.empty();
    }
    StructType schema = latest.get().getSchema();
    List<Row> data = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      Row r = row(schema, row);
      if (r == null) {
        return Optional.empty();
      }
      data.add(r);
    }
    io.delta.kernel.Transaction txn;
    try {
      txn = latest.get().buildUpdateTableTransaction("lakemill", io.delta.kernel.Operation.WRITE).build(engine);
    } catch (io.delta.kernel.exceptions.KernelException unsupported) {
      return Optional.empty(); // a table feature Kernel cannot write (e.g. deletion vectors enabled by hand)
    }
    return Optional.of(new Append(location, latest.get(), schema, txn, data, rows, damaged));
  }

  /**
   * Prepares creating the table at {@code location}, where none exists yet, with its first {@code rows}
   * in one commit: what Spark's first append to the path writes (every column nullable, no partitions).
   *
   * @param sparkSchemaJson the schema as Spark's {@code StructType.json()} gives it, which is also the
   *     form the Delta log stores it in
   * @param damaged the error when the table, found created meanwhile, cannot be read to append to
   */
  public Append prepareCreate(String location, String sparkSchemaJson, List<Map<String, Object>> rows,
      DeltaIO.Damaged damaged) {
    StructType schema = io.delta.kernel.internal.types.DataTypeJsonSerDe.deserializeStructType(sparkSchemaJson);
    List<Row> data = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      Row r = row(schema, row);
      if (r == null) {
        throw new IllegalArgumentException("A row for " + location + " has columns its schema lacks: " + row.keySet());
      }
      data.add(r);
    }
    io.delta.kernel.Transaction txn = TableManager.buildCreateTableTransaction(location, schema, "lakemill")
        .build(engine);
    return new Append(location, null, schema, txn, data, rows, damaged);
  }

  /** A commit's version and the data files it added (paths as Kernel gives them). */
  private record Committed(long version, List<String> files) {}

  private Committed commit(String location, StructType schema, io.delta.kernel.Transaction txn, List<Row> data) {
    try {
      Row state = txn.getTransactionState(engine);
      io.delta.kernel.DataWriteContext context = io.delta.kernel.Transaction.getWriteContext(engine, state, Map.of());
      FilteredColumnarBatch batch = new FilteredColumnarBatch(
          new io.delta.kernel.defaults.internal.data.DefaultRowBasedColumnarBatch(schema, data), Optional.empty());
      List<io.delta.kernel.utils.DataFileStatus> files = new ArrayList<>();
      try (CloseableIterator<FilteredColumnarBatch> physical = io.delta.kernel.Transaction.transformLogicalData(engine,
              state, io.delta.kernel.internal.util.Utils.singletonCloseableIterator(batch), Map.of());
          CloseableIterator<io.delta.kernel.utils.DataFileStatus> written = engine.getParquetHandler()
              .writeParquetFiles(context.getTargetDirectory(), physical, context.getStatisticsColumns())) {
        written.forEachRemaining(files::add);
      }
      List<Row> actions = new ArrayList<>();
      try (CloseableIterator<Row> append = io.delta.kernel.Transaction.generateAppendActions(engine, state,
          io.delta.kernel.internal.util.Utils.toCloseableIterator(files.iterator()), context)) {
        append.forEachRemaining(actions::add);
      }
      io.delta.kernel.TransactionCommitResult result = txn.commit(engine,
          io.delta.kernel.utils.CloseableIterable.inMemoryIterable(
              io.delta.kernel.internal.util.Utils.toCloseableIterator(actions.iterator())));
      for (io.delta.kernel.hook.PostCommitHook hook : result.getPostCommitHooks()) {
        hook.threadSafeInvoke(engine); // checkpoints, as Spark writes them
      }
      return new Committed(result.getVersion(), files.stream().map(io.delta.kernel.utils.FileStatus::getPath).toList());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot append to the Delta table " + location, e);
    }
  }

  /** {@code values} as a Kernel row of {@code type}, null when {@code type} lacks one of their columns. */
  private static Row row(StructType type, Map<String, Object> values) {
    Map<Integer, Object> ordinals = new java.util.HashMap<>();
    for (Map.Entry<String, Object> e : values.entrySet()) {
      int at = type.indexOf(e.getKey());
      if (at < 0) {
        return null;
      }
      Object v = e.getValue() == null ? null : kernelValue(type.at(at).getDataType(), e.getValue());
      if (v == MISSING) {
        return null;
      }
      ordinals.put(at, v);
    }
    return new ValuesRow(type, ordinals);
  }

  /**
   * A row of plain values for Kernel's writers (timestamps as epoch microseconds): unlike Kernel's
   * {@code GenericRow}, a timestamp column is read with {@code getLong}, as Kernel's Parquet writer does.
   */
  private record ValuesRow(StructType getSchema, Map<Integer, Object> values) implements Row {
    @Override
    public boolean isNullAt(int i) {
      return values.get(i) == null;
    }

    @Override
    public boolean getBoolean(int i) {
      return (Boolean) values.get(i);
    }

    @Override
    public byte getByte(int i) {
      return ((Number) values.get(i)).byteValue();
    }

    @Override
    public short getShort(int i) {
      return ((Number) values.get(i)).shortValue();
    }

    @Override
    public int getInt(int i) {
      return ((Number) values.get(i)).intValue();
    }

    @Override
    public long getLong(int i) {
      return ((Number) values.get(i)).longValue();
    }

    @Override
    public float getFloat(int i) {
      return ((Number) values.get(i)).floatValue();
    }

    @Override
    public double getDouble(int i) {
      return ((Number) values.get(i)).doubleValue();
    }

    @Override
    public String getString(int i) {
      return (String) values.get(i);
    }

    @Override
    public java.math.BigDecimal getDecimal(int i) {
      return (java.math.BigDecimal) values.get(i);
    }

    @Override
    public byte[] getBinary(int i) {
      return (byte[]) values.get(i);
    }

    @Override
    public Row getStruct(int i) {
      return (Row) values.get(i);
    }

    @Override
    public io.delta.kernel.data.ArrayValue getArray(int i) {
      return (io.delta.kernel.data.ArrayValue) values.get(i);
    }

    @Override
    public io.delta.kernel.data.MapValue getMap(int i) {
      return (io.delta.kernel.data.MapValue) values.get(i);
    }
  }

  private static final Object MISSING = new Object();

  /** A Java value as Kernel's rows hold it for {@code type} ({@link #MISSING} for a struct lacking a field). */
  @SuppressWarnings("unchecked")
  private static Object kernelValue(DataType type, Object v) {
    if (type instanceof TimestampType || type instanceof TimestampNTZType) {
      Instant at = ((Timestamp) v).toInstant();
      return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1000);
    }
    if (type instanceof StructType struct) {
      Row r = row(struct, (Map<String, Object>) v);
      return r == null ? MISSING : r;
    }
    if (type instanceof ArrayType array) {
      List<Object> out = new ArrayList<>();
      for (Object e : (List<Object>) v) {
        Object k = e == null ? null : kernelValue(array.getElementType(), e);
        if (k == MISSING) {
          return MISSING;
        }
        out.add(k);
      }
      return io.delta.kernel.internal.util.VectorUtils.buildArrayValue(out, array.getElementType());
    }
    if (type instanceof MapType map) {
      if (!(map.getKeyType() instanceof StringType) || !(map.getValueType() instanceof StringType)) {
        throw new IllegalStateException("Cannot append a Delta map column of type " + type + " through Kernel");
      }
      return io.delta.kernel.internal.util.VectorUtils.stringStringMapValue((Map<String, String>) v);
    }
    return v;
  }

  /**
   * Runs {@code read} on {@code location}; when Kernel fails (a garbled commit, a missing data file) throws
   * what {@code damaged} makes of it, with the newest commit version found in the log folder.
   */
  private <T> T reading(String location, java.util.function.Supplier<T> read, DeltaIO.Damaged damaged) {
    try {
      return read.get();
    } catch (LakemillException e) {
      throw e;
    } catch (RuntimeException e) {
      long latest;
      try {
        latest = newestCommit(location);
      } catch (RuntimeException listing) {
        e.addSuppressed(listing);
        latest = -1;
      }
      throw damaged.of(latest, latest < 0 ? e : tornCommit(location, latest, e));
    }
  }

  /**
   * {@code failure} named after the commit file it comes from when the newest commit of {@code location} is
   * not valid JSON (a torn write; Kernel's own message does not name the file), else {@code failure} as it is.
   */
  private RuntimeException tornCommit(String location, long latest, RuntimeException failure) {
    String name = String.format("%020d.json", latest);
    Path commit = new Path(new Path(location, "_delta_log"), name);
    try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(storage.open(commit.toString()),
        java.nio.charset.StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (!line.isBlank()) {
          Json.MAPPER.readTree(line);
        }
      }
      return failure;
    } catch (com.fasterxml.jackson.core.JsonProcessingException bad) {
      String why = bad.getOriginalMessage() == null ? "" : bad.getOriginalMessage().lines().findFirst().orElse("");
      return new IllegalStateException("its newest commit " + name + " is not valid JSON: " + why, failure);
    } catch (IOException | RuntimeException unreadable) {
      failure.addSuppressed(unreadable);
      return failure;
    }
  }

  /** Created when a torn commit is looked at, not when this class loads. */
  private static final class Json {
    static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();
  }

  /** The newest version that has a commit file in the log folder, -1 when none. */
  private long newestCommit(String location) {
    CommitFile newest = newestCommitFile(location);
    return newest == null ? -1 : newest.version();
  }

  /** The newest commit file of {@code location}'s log by one listing, null when there is none. */
  private CommitFile newestCommitFile(String location) {
    Path log = new Path(location, "_delta_log");
    try {
      CommitFile newest = null;
      for (Storage.Entry entry : storage.list(log.toString())) {
        long version = DeltaLogFiles.isCommitFile(entry.name()) ? Long.parseLong(entry.name().substring(0, 20)) : -1;
        if (version >= 0 && (newest == null || version > newest.version())) {
          newest = new CommitFile(version, entry.length(), entry.modified());
        }
      }
      return newest;
    } catch (java.io.FileNotFoundException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the Delta log " + log, e);
    }
  }


  /** As {@link DeltaLogFiles#remainsWithoutLog}, with this reader's storage. */
  private Optional<String> remainsWithoutLog(String location) {
    return DeltaLogFiles.remainsWithoutLog(storage, location);
  }
}
