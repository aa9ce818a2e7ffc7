package dev.lakemill.ops;

import dev.lakemill.compile.PipelineCompiler;
import dev.lakemill.delta.DeltaIO;
import dev.lakemill.delta.DeltaLogFiles;
import dev.lakemill.delta.InputVersion;
import dev.lakemill.registry.LineagePins;
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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code lakemill vacuum}: removes Delta data files no longer needed, table by table, under the
 * lakehouse root, except those that a registered, not archived, model version still needs: every
 * table version in its lineage and its holdout version stay readable. Delta's VACUUM keeps the files
 * removed after a cutoff; for a protected table the cutoff moves back to the oldest protected
 * version's commit time. On top of that, no file that a lineage pin references is removed
 * ({@link LineagePins}: the training input, the holdout and the drift references of live models, which
 * stay readable whatever Delta's log retention does); a table with such files among those to remove is
 * vacuumed by lakemill itself, from Delta's own list minus the pinned files. Pins that no live model
 * needs any more (archived models) are removed once older than the retention.
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
   * @param pinnedFiles files that would have gone but a lineage pin references
   * @param pinRemoved true when {@code location} is a lineage pin that no live model needs, removed (or
   *     that would be, on a dry run)
   */
  public record Outcome(String location, long retainHours, long filesRemoved, long keptFrom, List<String> neededBy,
      long pinnedFiles, boolean pinRemoved) {
    public Outcome(String location, long retainHours, long filesRemoved, long keptFrom, List<String> neededBy) {
      this(location, retainHours, filesRemoved, keptFrom, neededBy, 0, false);
    }
  }

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
    ModelRegistry registry = new ModelRegistry(spark, root + "/" + dev.lakemill.plan.PipelinePlan.LEDGER_FOLDER);
    LineagePins pins = registry.pins();
    String pinFolder = normalize(root + "/" + dev.lakemill.plan.PipelinePlan.LEDGER_FOLDER + "/" + LineagePins.FOLDER);
    List<String> tables = tables(root).stream().filter(t -> !t.startsWith(pinFolder + "/")).toList();
    Set<String> live = livePins(root, registry, tables);
    List<Outcome> out = new ArrayList<>();
    Set<String> pinnedFiles = new java.util.HashSet<>();
    long cutoff = System.currentTimeMillis() - retainHours * 3_600_000L;
    for (LineagePins.Pin pin : pins.pins()) {
      if (!live.contains(pin.location()) && pin.createdMillis() < cutoff) {
        if (!dryRun) {
          pins.remove(pin);
        }
        out.add(new Outcome(pin.location(), retainHours, 0, -1, List.of(), 0, true));
      } else {
        pinnedFiles.addAll(pins.files(pin));
      }
    }
    Map<String, String> settings = new java.util.HashMap<>();
    if (retainHours < DEFAULT_RETAIN_HOURS) {
      settings.put(RETENTION_CHECK, "false");
    }
    settings.put(LISTING_PARALLELISM, String.valueOf(Math.max(8, 4 * spark.sparkContext().defaultParallelism())));
    DeltaIO.withSettings(spark, settings, () -> {
      for (String table : tables) {
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
        List<String> candidates = spark.sql(sql + " DRY RUN").collectAsList().stream()
            .map(r -> r.getString(0)).toList();
        List<String> remove = candidates.stream().filter(f -> !pinnedFiles.contains(normalize(f))).toList();
        long kept = candidates.size() - remove.size();
        if (!dryRun && kept > 0) {
          delete(remove);
        } else if (!dryRun && !remove.isEmpty()) {
          spark.sql(sql).collectAsList();
        }
        out.add(new Outcome(table, hours, remove.size(), p == null ? -1 : p.oldest(),
            p == null ? List.of() : p.reasons(), kept, false));
      }
      return null;
    });
    return out;
  }

  private record Protection(long oldest, List<String> reasons) {}

  /** Deletes the files Delta's VACUUM would have removed, minus the pinned ones. */
  private void delete(List<String> files) {
    try {
      for (String file : files) {
        Path path = new Path(file);
        path.getFileSystem(spark.sessionState().newHadoopConf()).delete(path, false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot remove a file Delta's VACUUM listed", e);
    }
  }

  /**
   * The pins that registered, not archived, model versions need: their training input and holdout,
   * and the pinned references of the drift steps that watch them (from the drift history tables).
   */
  private Set<String> livePins(String root, ModelRegistry registry, List<String> tables) {
    LineagePins pins = registry.pins();
    Set<String> out = new java.util.HashSet<>();
    Map<String, Set<Integer>> archived = new TreeMap<>();
    for (String name : registry.names()) {
      archived.put(name, registry.archived(name));
      for (ModelVersion v : registry.versions(name)) {
        if (!archived.get(name).contains(v.version())) {
          InputVersion data = v.dataVersion();
          if (data != null && data.version() >= 0) {
            out.add(normalize(pins.location(data)));
          }
          out.add(normalize(pins.location(v.holdoutLocation(), v.holdoutVersion())));
        }
      }
    }
    for (String table : tables) {
      Dataset<Row> rows = spark.read().format("delta").load(table);
      if (!java.util.Arrays.asList(rows.columns()).containsAll(DRIFT_REFERENCE)) {
        continue;
      }
      for (Row r : rows.where("reference_version >= 0").select(DRIFT_REFERENCE.stream()
          .map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new)).distinct()
          .collectAsList()) {
        String model = r.getString(0);
        boolean liveModel = model == null || model.isEmpty() || r.isNullAt(1)
            || archived.containsKey(model) && !archived.get(model).contains(r.getInt(1));
        if (liveModel) {
          String ref = r.getString(2);
          String location = ref.contains("/") ? ref : PipelineCompiler.tableLocation(root, ref);
          out.add(normalize(pins.location(location, r.getLong(3))));
        }
      }
    }
    return out;
  }

  /** The drift history columns that name a drift step's reference and the model it watched. */
  private static final List<String> DRIFT_REFERENCE = List.of("model_name", "model_version", "reference_table",
      "reference_version");

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
