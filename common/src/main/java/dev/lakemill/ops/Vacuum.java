package dev.lakemill.ops;

import dev.lakemill.delta.DeltaLogFiles;
import dev.lakemill.delta.InputVersion;
import dev.lakemill.registry.ModelRegistry;
import dev.lakemill.registry.ModelVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * {@code lakemill vacuum}: removes Delta data files no longer needed, table by table, under the
 * lakehouse root, except those that a registered, not archived, model version still needs: every
 * table version in its lineage and its holdout version stay readable. Delta's VACUUM keeps the files
 * removed after a cutoff; for a protected table the cutoff moves back to the oldest protected
 * version's commit time.
 */
public final class Vacuum {
  /** Delta's own default retention, and its safety check's minimum. */
  public static final int DEFAULT_RETAIN_HOURS = 168;
  private static final String RETENTION_CHECK = "spark.databricks.delta.retentionDurationCheck.enabled";
  /** Delta lists a table's files with this many tasks: 10,000 by default, whatever the table's size. */
  private static final String LISTING_PARALLELISM = "spark.sql.sources.parallelPartitionDiscovery.parallelism";

  /**
   * What was done to one table.
   *
   * @param location the table
   * @param retainHours the retention applied
   * @param filesRemoved data files removed (or that would be, on a dry run)
   * @param keptFrom the oldest version kept readable for models, or -1 when none is protected
   * @param neededBy the model versions that needed it, e.g. {@code churn@v1 (lineage: prepare@v0)}
   */
  public record Outcome(String location, long retainHours, long filesRemoved, long keptFrom, List<String> neededBy) {}

  private final SparkSession spark;

  public Vacuum(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * @param root the lakehouse root
   * @param retainHours the retention for unprotected files; below 168 Delta's safety check is
   *     switched off for this session, as the caller asked
   * @param dryRun only count what would be removed
   */
  public List<Outcome> run(String root, long retainHours, boolean dryRun) {
    Map<String, Protection> protections = protections(root);
    List<Outcome> out = new ArrayList<>();
    String check = spark.conf().get(RETENTION_CHECK, "true");
    String listing = spark.conf().get(LISTING_PARALLELISM, null);
    if (retainHours < DEFAULT_RETAIN_HOURS) {
      spark.conf().set(RETENTION_CHECK, "false");
    }
    spark.conf().set(LISTING_PARALLELISM, String.valueOf(Math.max(8, 4 * spark.sparkContext().defaultParallelism())));
    try {
      for (String table : tables(root)) {
        Protection p = protections.get(table);
        long hours = retainHours;
        if (p != null) {
          long committed = DeltaLogFiles.commitMillis(spark, table, p.oldest());
          if (committed > 0) {
            long needed = (System.currentTimeMillis() - committed) / 3_600_000L + 1;
            hours = Math.max(hours, needed);
          }
        }
        String sql = "VACUUM delta.`" + table.replace("`", "``") + "` RETAIN " + hours + " HOURS";
        long files = spark.sql(sql + " DRY RUN").count();
        if (!dryRun && files > 0) {
          spark.sql(sql).collectAsList();
        }
        out.add(new Outcome(table, hours, files, p == null ? -1 : p.oldest(), p == null ? List.of() : p.reasons()));
      }
    } finally {
      spark.conf().set(RETENTION_CHECK, check);
      if (listing == null) {
        spark.conf().unset(LISTING_PARALLELISM);
      } else {
        spark.conf().set(LISTING_PARALLELISM, listing);
      }
    }
    return out;
  }

  private record Protection(long oldest, List<String> reasons) {}

  /** For each table location, the oldest version a live model version needs, and why. */
  private Map<String, Protection> protections(String root) {
    ModelRegistry registry = new ModelRegistry(spark, root + "/" + dev.lakemill.plan.PipelinePlan.LEDGER_FOLDER);
    Map<String, Protection> out = new TreeMap<>();
    for (String name : registry.names()) {
      Set<Integer> archived = registry.archived(name);
      for (ModelVersion v : registry.versions(name)) {
        if (archived.contains(v.version())) {
          continue;
        }
        List<InputVersion> needed = new ArrayList<>(v.lineage());
        needed.add(new InputVersion("holdout", v.holdoutLocation(), v.holdoutVersion()));
        for (InputVersion i : needed) {
          if (i.version() < 0 || i.location().isEmpty()) {
            continue;
          }
          String why = v.ref() + " (" + i.name() + "@v" + i.version() + ")";
          out.merge(normalize(i.location()), new Protection(i.version(), List.of(why)), (a, b) -> {
            List<String> reasons = new ArrayList<>(a.reasons());
            reasons.addAll(b.reasons());
            return new Protection(Math.min(a.oldest(), b.oldest()), reasons);
          });
        }
      }
    }
    return out;
  }

  /** Delta tables under {@code root} (folders holding a {@code _delta_log}), sorted. */
  private List<String> tables(String root) {
    List<String> out = new ArrayList<>();
    try {
      Path start = new Path(root);
      FileSystem fs = start.getFileSystem(spark.sessionState().newHadoopConf());
      if (fs.exists(start)) {
        walk(fs, start, out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the lakehouse " + root, e);
    }
    out.sort(null);
    return out;
  }

  private static void walk(FileSystem fs, Path dir, List<String> out) throws IOException {
    FileStatus[] children = fs.listStatus(dir);
    for (FileStatus child : children) {
      if (child.isDirectory() && child.getPath().getName().equals("_delta_log")) {
        out.add(normalize(dir.toString()));
        return;
      }
    }
    for (FileStatus child : children) {
      if (child.isDirectory() && !child.getPath().getName().startsWith(".")) {
        walk(fs, child.getPath(), out);
      }
    }
  }

  private static String normalize(String location) {
    String path = location.startsWith("file:") ? new Path(location).toUri().getPath() : location;
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
