package dev.lakemill.delta;

import dev.lakemill.error.LakemillException;
import dev.lakemill.faults.FaultPoints;
import dev.lakemill.plan.TablePlan;
import dev.lakemill.spec.WriteMode;
import io.delta.tables.DeltaTable;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reads Delta tables at pinned versions and writes step outputs as exactly one commit each. */
public final class DeltaIO {
  /** The column of a quarantine table that names the run which set the row aside. */
  public static final String QUARANTINE_RUN_ID = "_lakemill_run_id";

  /**
   * The version a write produced and the rows it reported.
   *
   * @param reused true when nothing was written because the run's append was already committed
   */
  public record Written(long version, long rows, boolean reused) {
    public Written(long version, long rows) {
      this(version, rows, false);
    }
  }

  /** What a step's writes ask right before each of their commits (see {@link #fenceCommits}). */
  @FunctionalInterface
  public interface CommitFence {
    /** Throws, so that nothing is committed, when the run may no longer write {@code location}. */
    void beforeCommit(String location);
  }

  private static final Map<SparkSession, CommitFence> FENCES = Collections.synchronizedMap(new WeakHashMap<>());

  private DeltaIO() {}

  /**
   * Makes every {@link #write} and {@link #replaceWhere} of {@code spark} call {@code fence} right
   * before it starts its commit (the run's lease check); null removes it.
   */
  public static void fenceCommits(SparkSession spark, CommitFence fence) {
    if (fence == null) {
      FENCES.remove(spark);
    } else {
      FENCES.put(spark, fence);
    }
  }

  private static void beforeCommit(SparkSession spark, String location) {
    FaultPoints.at("commit:" + location);
    CommitFence fence = FENCES.get(spark);
    if (fence != null) {
      fence.beforeCommit(location);
    }
  }

  /**
   * How many data files one of lakemill's own tables (the run ledger's, the registry's, a drift step's
   * history) may reach before a write to it compacts it: see {@link #compacting}.
   */
  public static final int COMPACT_AT_FILES = 20;
  private static final String AUTO_COMPACT = "spark.databricks.delta.autoCompact.enabled";
  private static final String AUTO_COMPACT_MIN_FILES = "spark.databricks.delta.autoCompact.minNumFiles";
  private static final String HOOK_THROWS = "spark.databricks.delta.postCommitHook.throwOnError";

  /**
   * Runs {@code write}, a write to one of lakemill's own tables, with Delta's auto compaction on in {@code
   * spark}'s session for its duration: once the table holds {@link #COMPACT_AT_FILES} small files, Delta
   * follows the write with an {@code OPTIMIZE} commit ({@code auto = true} in its history) that rewrites
   * them into one. Each run, registration, alias move or night adds a file to these tables, and every read of
   * them (deciding a run, {@code plan}, {@code history}, {@code models}, a drift step, {@code drift history})
   * opens them all: a ledger of 272 runs made
   * a run with nothing to do take 11 s instead of 5 (docs/BENCHMARKS.md). Other writes in the session, the
   * pipeline's own outputs, are not compacted: the settings go back to what they were when {@code write}
   * returns.
   */
  public static <T> T compacting(SparkSession spark, Supplier<T> write) {
    // The compaction runs after the write has committed: if it fails (two processes compacting one table at
    // once conflict), Delta logs it and the write still returns, rather than throwing for a committed write
    // (the registry would take that for a conflict and register again). The next write compacts.
    return withSettings(spark, Map.of(AUTO_COMPACT, "true", AUTO_COMPACT_MIN_FILES, String.valueOf(COMPACT_AT_FILES),
        HOOK_THROWS, "false"), write);
  }

  /**
   * Runs {@code body} with {@code settings} in {@code spark}'s session, then puts back what the session had
   * (or unsets what it did not have).
   */
  public static <T> T withSettings(SparkSession spark, Map<String, String> settings, Supplier<T> body) {
    Map<String, String> before = new java.util.HashMap<>();
    settings.forEach((key, value) -> {
      before.put(key, spark.conf().get(key, null));
      spark.conf().set(key, value);
    });
    try {
      return body.get();
    } finally {
      before.forEach((key, value) -> {
        if (value == null) {
          spark.conf().unset(key);
        } else {
          spark.conf().set(key, value);
        }
      });
    }
  }

  public static boolean exists(SparkSession spark, String location) {
    return DeltaTable.isDeltaTable(spark, location);
  }

  /** The table's latest version, or -1 if there is no Delta table there. */
  public static long latestVersion(SparkSession spark, String location) {
    List<Long> versions = DeltaLogFiles.commitVersions(spark, location);
    return versions.isEmpty() ? -1 : versions.get(0);
  }

  /** The table's latest version, or -1 if there is no Delta table there: a listing of its log folder, no Spark. */
  public static long latestVersion(org.apache.hadoop.conf.Configuration hadoop, String location) {
    List<Long> versions = DeltaLogFiles.commitVersions(hadoop, location);
    return versions.isEmpty() ? -1 : versions.get(0);
  }

  public static Dataset<Row> read(SparkSession spark, String location, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(location);
  }

  /**
   * The rows that commit {@code version} wrote: the whole table after an overwrite, only the new rows
   * after an append or a replace-partitions write (the files the commit added, read at that version).
   */
  private static Dataset<Row> readWritten(SparkSession spark, String location, long version) {
    List<String> files = DeltaLogFiles.addedFiles(spark, location, version);
    return read(spark, location, version)
        .where(org.apache.spark.sql.functions.col("_metadata.file_name").isin(files.toArray()));
  }

  /**
   * What the commit {@code version} of a table written in {@code mode} produced, as a step that reads
   * the step writing it gets it: after {@code overwrite} the whole table at that version; after
   * {@code append} and {@code replace-partitions} the rows of the files the commit added (the appended
   * rows, the replaced partitions); after {@code merge} the rows the commit inserted or changed: the rows
   * of the files it added (the rewritten files also hold the matched files' untouched rows) minus, with
   * their multiplicity, the rows of the files it removed as they were at {@code version - 1}. A matched
   * row whose values the merge left as they were is therefore not read again.
   */
  public static Dataset<Row> readProduced(SparkSession spark, String location, long version, WriteMode mode) {
    return switch (mode) {
      case OVERWRITE -> read(spark, location, version);
      case APPEND, REPLACE_PARTITIONS -> readWritten(spark, location, version);
      case MERGE -> {
        Dataset<Row> added = readWritten(spark, location, version);
        List<String> removed = version == 0 ? List.of() : DeltaLogFiles.removedFiles(spark, location, version);
        yield removed.isEmpty() ? added : added.exceptAll(read(spark, location, version - 1)
            .where(org.apache.spark.sql.functions.col("_metadata.file_name").isin(removed.toArray())));
      }
    };
  }

  /**
   * Writes {@code data} to {@code table} in its mode, as one Delta commit, and finds that commit by
   * {@code tag}, which the session sets as the commit's user metadata (see {@link #tagCommits}).
   * An append or a merge happens at most once per run and step, by Delta's own idempotent write: the write
   * carries the transaction id {@code txnAppId} = the tag's key (pipeline, run, step) at {@code txnVersion} 0
   * (an append as writer options, a merge through the session settings Delta's DML commands read), so Delta
   * skips a second one of the same run and step (e.g. a retry under the same run id after a kill); the
   * earlier commit is then returned, {@link Written#reused} set, and nothing is written.
   */
  public static Written write(SparkSession spark, Dataset<Row> data, TablePlan table, String tag) {
    Instant started = Instant.now();
    WriteMode mode = table.mode();
    boolean once = (mode == WriteMode.APPEND || mode == WriteMode.MERGE) && CommitTag.parse(tag).isPresent();
    String appId = once ? CommitTag.keyOf(tag) : null;
    long before = once ? latestVersion(spark, table.location()) : -1;
    data = FaultPoints.duringWrite(table.name(), data);
    if (mode == WriteMode.MERGE && exists(spark, table.location())) {
      merge(spark, data, table, appId);
    } else {
      DataFrameWriter<Row> writer = data.write().format("delta");
      if (!table.partitionBy().isEmpty()) {
        writer = writer.partitionBy(table.partitionBy().toArray(String[]::new));
      }
      switch (mode) {
        case OVERWRITE -> writer = writer.mode("overwrite").option("overwriteSchema", "true");
        case REPLACE_PARTITIONS -> writer = writer.mode("overwrite").option("partitionOverwriteMode", "dynamic");
        default -> writer = writer.mode("append");
      }
      if (once) {
        writer = writer.option(TXN_APP_ID, appId).option(TXN_VERSION, 0L);
      }
      beforeCommit(spark, table.location());
      writer.save(table.location());
    }
    return once && latestVersion(spark, table.location()) <= before
        ? earlierCommit(spark, table, appId)
        : DeltaLogFiles.taggedCommit(spark, table.location(), tag, started);
  }

  /**
   * Upserts {@code data} into the existing table by its merge keys; with {@code appId} (null: none) as Delta's DML
   * transaction id, set in the session for this one command.
   */
  private static void merge(SparkSession spark, Dataset<Row> data, TablePlan table, String appId) {
    String condition = table.mergeKeys().stream()
        .map(k -> "t.`" + k + "` <=> s.`" + k + "`")
        .collect(Collectors.joining(" AND "));
    beforeCommit(spark, table.location());
    if (appId != null) {
      spark.conf().set(DML_TXN_APP_ID, appId);
      spark.conf().set(DML_TXN_VERSION, "0");
    }
    try {
      DeltaTable.forPath(spark, table.location()).as("t")
          .merge(data.as("s"), condition)
          .whenMatched().updateAll()
          .whenNotMatched().insertAll()
          .execute();
    } finally {
      if (appId != null) {
        spark.conf().unset(DML_TXN_APP_ID);
        spark.conf().unset(DML_TXN_VERSION);
      }
    }
  }

  /** Delta skipped the write: this run's commit carries its transaction id, however far back it is. */
  private static Written earlierCommit(SparkSession spark, TablePlan table, String appId) {
    KernelTables.Commit earlier = KernelTables.of(spark.sessionState().newHadoopConf())
        .transactionCommit(table.location(), appId, (latest, cause) -> TableErrors.writeNotFound(table, appId, cause))
        .orElseThrow(() -> TableErrors.writeNotFound(table, appId, null));
    return new Written(earlier.version(), earlier.rows(), true);
  }

  /**
   * Tags every Delta commit this session makes with {@code tag} (Delta's commit user metadata), so
   * {@code DESCRIBE HISTORY} shows which run and step wrote each version; null clears it.
   */
  public static void tagCommits(SparkSession spark, String tag) {
    if (tag == null) {
      spark.conf().unset(DeltaLogFiles.USER_METADATA);
      spark.conf().unset(RECORD_EMPTY_COMMITS);
    } else {
      spark.conf().set(DeltaLogFiles.USER_METADATA, tag);
      // A write that changes nothing (no rows into an empty table, an empty append) still commits, so
      // every step's write leaves its tagged version: Delta skips recording empty commits by default.
      spark.conf().set(RECORD_EMPTY_COMMITS, "false");
    }
  }

  /** Delta's writer options of an idempotent write: the application id and its monotonic version. */
  static final String TXN_APP_ID = "txnAppId";
  static final String TXN_VERSION = "txnVersion";

  /** The same for Delta's DML commands (MERGE), as session settings. */
  static final String DML_TXN_APP_ID = "spark.databricks.delta.write.txnAppId";
  static final String DML_TXN_VERSION = "spark.databricks.delta.write.txnVersion";

  /** Delta's switch for not recording commits without file changes (default true). */
  private static final String RECORD_EMPTY_COMMITS = "spark.databricks.delta.skipRecordingEmptyCommits";

  /**
   * Replaces the rows that match {@code condition} with {@code data} in one commit, creating the table
   * partitioned by {@code partitionBy} if needed; every row of {@code data} must match {@code condition}.
   * Rewriting a run's rows this way keeps a rerun under the same run id from adding them twice; a
   * condition on the partition columns keeps writers of other partitions from conflicting with it.
   * New columns in {@code data} are added to the table (quarantine tables follow their output's schema).
   */
  public static void replaceWhere(Dataset<Row> data, String location, String condition, String... partitionBy) {
    beforeCommit(data.sparkSession(), location);
    data.write().format("delta").mode("overwrite").option("replaceWhere", condition).option("mergeSchema", "true")
        .partitionBy(partitionBy).save(location);
  }

  /** What a reader throws when Delta cannot read its table: {@code latest} is its newest version, -1 if unknown. */
  @FunctionalInterface
  public interface Damaged {
    LakemillException of(long latest, Throwable cause);
  }

  /** What {@link #present} throws when a table's log is gone: Delta's own words are not available. */
  public static final class MissingLog extends RuntimeException {
    public MissingLog(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Whether {@code table} holds a Delta table, with the damage check of {@link #reading}: false when there is
   * nothing at {@code table} (a table never written, e.g. the ledger of a new lakehouse); {@code damaged}
   * when its folder remains without a readable log (a {@code _delta_log} without commits, data files without
   * a {@code _delta_log}) or when Delta cannot read its log.
   */
  public static boolean present(SparkSession spark, String table, Damaged damaged) {
    return reading(spark, table, () -> {
      if (exists(spark, table)) {
        return true;
      }
      DeltaLogFiles.remainsWithoutLog(spark, table).ifPresent(why -> {
        throw new MissingLog("the table is missing: " + why);
      });
      return false;
    }, damaged);
  }

  /**
   * Runs {@code read} on {@code table}; when Delta fails to read it (a garbled commit, a missing data
   * file), throws what {@code damaged} makes of the failure, so that a damaged ledger or registry is
   * reported as such and not as a bug.
   */
  public static <T> T reading(SparkSession spark, String table, Supplier<T> read, Damaged damaged) {
    try {
      return read.get();
    } catch (LakemillException e) {
      throw e;
    } catch (Exception e) {
      // Scala code throws checked exceptions (SparkException) undeclared.
      long latest;
      try {
        latest = latestVersion(spark, table);
      } catch (RuntimeException listing) {
        e.addSuppressed(listing);
        latest = -1;
      }
      throw damaged.of(latest, e);
    }
  }
}
