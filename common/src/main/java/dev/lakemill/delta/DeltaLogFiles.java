package dev.lakemill.delta;

import dev.lakemill.fs.Storage;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * What lakemill reads of a Delta log without a Spark job: the versions that have a commit file (a listing),
 * the commit a step made (by its tag, among the commits since the write or run started), whether rows changed since a version, a
 * commit's time and the files it added or removed. Commits are read through Delta Kernel's JSON handler
 * ({@link KernelTables#commit}); a retried append's or merge's commit is found by its transaction id instead
 * ({@link KernelTables#transactionCommit}), however far back.
 */
public final class DeltaLogFiles {
  /** Delta's session setting for the user metadata recorded in each commit. */
  static final String USER_METADATA = "spark.databricks.delta.commitInfo.userMetadata";
  /**
   * How much earlier than the moment a search starts from a commit may be stamped and still be searched: a
   * commit's time is its writer's clock (or the storage's file time), which may lag the clock that started the
   * search.
   */
  private static final java.time.Duration CLOCK_SKEW = java.time.Duration.ofMinutes(10);

  private DeltaLogFiles() {}

  /**
   * Why the folder {@code location}, which Delta does not see as a table, looks like a table whose log is
   * gone: its {@code _delta_log} folder exists without commits, or it holds parquet data files without a
   * {@code _delta_log}; empty when there is nothing there (a table never written).
   */
  static java.util.Optional<String> remainsWithoutLog(SparkSession spark, String location) {
    return remainsWithoutLog(spark.sessionState().newHadoopConf(), location);
  }

  static java.util.Optional<String> remainsWithoutLog(org.apache.hadoop.conf.Configuration hadoop, String location) {
    return remainsWithoutLog(Storage.of(hadoop), location);
  }

  static java.util.Optional<String> remainsWithoutLog(Storage storage, String location) {
    Path table = new Path(location);
    Path log = new Path(location, "_delta_log");
    try {
      if (storage.exists(log.toString())) {
        return java.util.Optional.of("its _delta_log folder has no commit files");
      }
      if (!storage.exists(table.toString())) {
        return java.util.Optional.empty();
      }
      for (Storage.Entry entry : storage.list(table.toString())) {
        if (entry.name().endsWith(".parquet") || entry.directory()
            && !entry.name().startsWith("_") && !entry.name().startsWith(".")) {
          return java.util.Optional.of("it has data files but no _delta_log folder");
        }
      }
      return java.util.Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + location, e);
    }
  }

  /** Whether {@code name} is a commit file's name in a Delta log: twenty digits, then {@code .json}. */
  static boolean isCommitFile(String name) {
    return name.length() == 25 && name.endsWith(".json") && name.chars().limit(20).allMatch(Character::isDigit);
  }

  /** Versions that have a commit file, newest first; empty when there is no Delta log. */
  static List<Long> commitVersions(SparkSession spark, String location) {
    return commitVersions(spark.sessionState().newHadoopConf(), location);
  }

  static List<Long> commitVersions(org.apache.hadoop.conf.Configuration hadoop, String location) {
    Path log = new Path(location, "_delta_log");
    try {
      List<Long> versions = new ArrayList<>();
      for (Storage.Entry entry : Storage.of(hadoop).list(log.toString())) {
        if (isCommitFile(entry.name())) {
          versions.add(Long.parseLong(entry.name().substring(0, 20)));
        }
      }
      versions.sort(Comparator.reverseOrder());
      return versions;
    } catch (FileNotFoundException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the Delta log " + log, e);
    }
  }

  /** A commit found by its tag: version, rows it reported writing, commit time and its user metadata. */
  public record Tagged(long version, long rows, long timestamp, String userMetadata) {
    DeltaIO.Written written() {
      return new DeltaIO.Written(version, rows);
    }
  }

  /**
   * The newest commit tagged like {@code tag} (same user metadata, or for step tags the same key: pipeline, run
   * and step; see {@link CommitTag#keyOf}) among the commits made since {@code since}: the write that tagged it
   * started then.
   */
  public static DeltaIO.Written taggedCommit(SparkSession spark, String location, String tag, Instant since) {
    return findTagged(spark, location, tag, since).map(Tagged::written).orElseThrow(() -> new IllegalStateException(
        "Cannot find the commit tagged '" + tag + "' among the commits of " + location + " since " + since));
  }

  /**
   * Like {@link #taggedCommit}, empty when no commit since {@code since} has the tag (or there is no table). The
   * log is read from the newest commit back, through every commit stamped since {@code since} (less a
   * {@link #CLOCK_SKEW}), however many there are, and no further: a run's commits are never older than its start.
   */
  public static java.util.Optional<Tagged> findTagged(SparkSession spark, String location, String tag, Instant since) {
    String key = CommitTag.keyOf(tag);
    long oldest = since.minus(CLOCK_SKEW).toEpochMilli();
    KernelTables kernel = KernelTables.of(spark.sessionState().newHadoopConf());
    for (long version : commitVersions(spark, location)) {
      java.util.Optional<KernelTables.Commit> commit = kernel.commit(location, version);
      if (commit.isEmpty() || commit.get().timestamp() < oldest) {
        break;
      }
      String metadata = commit.get().userMetadata();
      if (metadata != null && key.equals(CommitTag.keyOf(metadata))) {
        return java.util.Optional.of(new Tagged(version, commit.get().rows(), commit.get().timestamp(), metadata));
      }
    }
    return java.util.Optional.empty();
  }

  /** Operations that rewrite files or metadata but leave the table's rows as they were. */
  private static final java.util.Set<String> SAME_DATA = java.util.Set.of("OPTIMIZE", "VACUUM START", "VACUUM END",
      "SET TBLPROPERTIES", "UNSET TBLPROPERTIES");

  /**
   * True when the table's rows are still those of {@code version}: it is the latest version, or every
   * later commit is one of {@link #SAME_DATA} (compaction, vacuum, properties).
   */
  public static boolean sameDataSince(org.apache.hadoop.conf.Configuration hadoop, String location, long version) {
    List<Long> versions = commitVersions(hadoop, location);
    if (versions.isEmpty() || versions.get(0) < version) {
      return false;
    }
    if (versions.get(0) == version) {
      return true;
    }
    if (versions.get(versions.size() - 1) > version + 1) {
      return false; // the commits right after version were cleaned up: cannot tell
    }
    KernelTables kernel = KernelTables.of(hadoop);
    for (long v : versions) {
      if (v <= version) {
        break;
      }
      if (!kernel.commit(location, v).map(c -> SAME_DATA.contains(c.operation())).orElse(false)) {
        return false;
      }
    }
    return true;
  }

  /** When {@code version} was committed (its commitInfo timestamp), or -1 when its commit file is gone. */
  public static long commitMillis(SparkSession spark, String location, long version) {
    return KernelTables.of(spark.sessionState().newHadoopConf()).commit(location, version)
        .map(KernelTables.Commit::timestamp).orElse(-1L);
  }

  /** File names (last path segment, decoded) of the data files that commit {@code version} added. */
  static List<String> addedFiles(SparkSession spark, String location, long version) {
    return names(commit(spark, location, version).added());
  }

  /** File names (last path segment, decoded) of the data files that commit {@code version} removed. */
  static List<String> removedFiles(SparkSession spark, String location, long version) {
    return names(commit(spark, location, version).removed());
  }

  private static KernelTables.Commit commit(SparkSession spark, String location, long version) {
    return KernelTables.of(spark.sessionState().newHadoopConf()).commit(location, version).orElseThrow(() ->
        new UncheckedIOException(new FileNotFoundException("Cannot read the Delta log of " + location
            + " at version " + version + ": its commit file is gone")));
  }

  private static List<String> names(List<String> paths) {
    List<String> names = new ArrayList<>();
    for (String path : paths) {
      names.add(java.net.URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8));
    }
    return names;
  }
}
