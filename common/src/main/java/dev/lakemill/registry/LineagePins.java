package dev.lakemill.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakemill.delta.DeltaIO;
import dev.lakemill.delta.InputVersion;
import dev.lakemill.error.LakemillException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Lineage pins: for each Delta table version that a registered model needs (its training input, its
 * holdout, a drift step's pinned reference), a Delta shallow clone of that version under
 * {@code <lakehouse>/_lakemill/lineage/}. A clone is a table of its own whose one commit lists the
 * source version's data files by absolute path, so it stays readable whatever the source's log
 * retention and checkpoints remove, for as long as those files exist; {@code lakemill vacuum} keeps
 * every file a pin references while a registered, not archived, model needs it, and removes the pin
 * afterwards. Reads of a pinned version go through {@link #read}.
 *
 * <p>A training input that is the rows one run wrote at a version ({@link InputVersion#rowsOnly()}: a
 * step's {@code append}, {@code replace-partitions} or {@code merge} output read in the same run) is pinned
 * differently: which of that version's files and rows it is comes from the commit's own entry in the Delta
 * log, the very entry log cleanup removes, and a shallow clone cannot hold "some rows of some files". Its
 * pin, {@code v<n>-rows} beside the table's version pins, is a copy of exactly those rows, written at
 * registration from the rows the run read ({@link dev.lakemill.delta.DeltaIO#readProduced}); it costs one
 * write of the training rows, no more than the holdout the train step writes anyway.
 */
public final class LineagePins {
  /** The folder of the pins, inside the registry's folder. */
  public static final String FOLDER = "lineage";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FIRST_COMMIT = "00000000000000000000.json";
  private static final String ROWS_SUFFIX = "-rows";

  /**
   * One pin on disk.
   *
   * @param location the clone's folder
   * @param createdMillis when its commit was written
   */
  public record Pin(String location, long createdMillis) {}

  private final SparkSession spark;
  private final String folder;

  /** @param registryLocation {@code <lakehouse>/_lakemill} */
  public LineagePins(SparkSession spark, String registryLocation) {
    this.spark = spark;
    this.folder = registryLocation + "/" + FOLDER;
  }

  /** {@code <lineage folder>/<table folder name>-<hash of its location>/v<version>}. */
  public String location(String table, long version) {
    String path = normalize(table);
    String name = path.substring(path.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9_.-]", "_");
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8));
      return folder + "/" + name + "-" + HexFormat.of().formatHex(hash, 0, 4) + "/v" + version;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Where the rows one run wrote to {@code table} at {@code version} are pinned: {@code <version pin>-rows}. */
  public String rowsLocation(String table, long version) {
    return location(table, version) + ROWS_SUFFIX;
  }

  /** Where {@code input} is pinned: the rows pin when only the rows one run wrote were read, else the version pin. */
  public String location(InputVersion input) {
    return input.rowsOnly() ? rowsLocation(input.location(), input.version()) : location(input.location(), input.version());
  }

  /** Whether {@code input} has its pin ({@link #location(InputVersion)}). */
  public boolean pinned(InputVersion input) {
    return DeltaIO.exists(spark, location(input));
  }

  /** Whether {@code table} at {@code version} has a pin. */
  public boolean pinned(String table, long version) {
    return DeltaIO.exists(spark, location(table, version));
  }

  /**
   * Pins {@code table} at {@code version} (a shallow clone of that version), unless it is pinned
   * already or is no Delta table; true when a pin exists afterwards.
   */
  public boolean pin(String table, long version) {
    if (version < 0 || table == null || table.isEmpty()) {
      return false;
    }
    String pin = location(table, version);
    if (DeltaIO.exists(spark, pin)) {
      return true;
    }
    if (!DeltaIO.exists(spark, table)) {
      return false;
    }
    try {
      spark.sql("CREATE TABLE delta.`" + quote(pin) + "` SHALLOW CLONE delta.`" + quote(table)
          + "` VERSION AS OF " + version).collectAsList();
    } catch (RuntimeException e) {
      // Two registrations pinning the same version at once: the loser finds the winner's pin.
      if (!DeltaIO.exists(spark, pin)) {
        throw e;
      }
    }
    return true;
  }

  /**
   * Where a table version is read.
   *
   * @param location the pin, or the table itself
   * @param version 0 for a pin, else the table's version
   */
  public record At(String location, long version) {}

  /**
   * Where {@code table} at {@code version} can be read: its pin when there is one, else the table by
   * Delta time travel; when neither can read it, throws what {@code gone} makes of Delta's failure.
   */
  public At at(String table, long version, Function<Throwable, LakemillException> gone) {
    String pin = location(table, version);
    if (DeltaIO.exists(spark, pin)) {
      return new At(pin, 0);
    }
    try {
      DeltaIO.read(spark, table, version).schema();
      return new At(table, version);
    } catch (LakemillException e) {
      throw e;
    } catch (Exception e) {
      // Scala code throws checked exceptions (AnalysisException) undeclared.
      throw gone.apply(e);
    }
  }

  /** The rows of {@code table} at {@code version}, from where {@link #at} says. */
  public Dataset<Row> read(String table, long version, Function<Throwable, LakemillException> gone) {
    At at = at(table, version, gone);
    return DeltaIO.read(spark, at.location(), at.version());
  }

  /**
   * The rows of {@code table} at {@code version} that {@code model} needs ({@code what}: "training
   * input 'prepare'", "holdout", ...), read as {@link #read(String, long, Function)} does; when
   * neither the pin nor time travel can read them, fails naming the model, the table, the version and
   * what to do.
   */
  public Dataset<Row> read(ModelVersion model, boolean archived, String what, String table, long version) {
    At at = at(model, archived, what, table, version);
    return DeltaIO.read(spark, at.location(), at.version());
  }

  /** Where the rows {@code model} needs are read, as {@link #read(ModelVersion, boolean, String, String, long)} says. */
  public At at(ModelVersion model, boolean archived, String what, String table, long version) {
    return at(table, version, e -> RegistryErrors.lineageGone(model.ref(), archived, what, table, version,
        location(table, version), e));
  }

  /**
   * The rows of {@code input} that {@code model} needs, read as {@link #read(ModelVersion, boolean, String, String,
   * long)} does; when only the rows one run wrote were read ({@link InputVersion#rowsOnly()}), exactly those
   * rows, from their rows pin, else fails naming the model, the rows and what to do.
   */
  public Dataset<Row> read(ModelVersion model, boolean archived, String what, InputVersion input) {
    if (!input.rowsOnly()) {
      return read(model, archived, what, input.location(), input.version());
    }
    String pin = location(input);
    if (!DeltaIO.exists(spark, pin)) {
      throw RegistryErrors.rowsPinGone(model.ref(), archived, what, input.describe(), input.location(), pin);
    }
    return DeltaIO.read(spark, pin, 0);
  }

  /**
   * Pins the versions {@code model} needs as long as it lives: its training input and its holdout.
   *
   * @param trainedOn the rows of the training input as the run read them; copied into the rows pin when they
   *     are the rows one run wrote ({@link InputVersion#rowsOnly()}), unused otherwise (may then be null)
   */
  public void pinModel(ModelVersion model, Dataset<Row> trainedOn) {
    InputVersion data = model.dataVersion();
    if (data != null && data.rowsOnly()) {
      if (trainedOn == null) {
        throw new IllegalArgumentException(model.ref() + " was trained on " + data.describe() + ": its rows are needed");
      }
      pinRows(location(data), trainedOn);
    } else if (data != null) {
      pin(data.location(), data.version());
    }
    pin(model.holdoutLocation(), model.holdoutVersion());
  }

  /**
   * Recreates the pins {@code model} needs (its training input and its holdout) that are missing, e.g.
   * removed by {@code lakemill vacuum} while it was archived: from the table by time travel, while Delta's
   * log still holds that version and every file of it is still there. A table that no longer exists is left
   * as it is (reads then say the table is gone).
   *
   * @return what could not be pinned again, e.g. {@code training input 'prepare', /lake/silver/customers at
   *     v0}; empty when every pin is there
   */
  public List<String> restore(ModelVersion model) {
    List<String> gone = new ArrayList<>();
    InputVersion data = model.dataVersion();
    if (data != null && data.version() >= 0) {
      String what = "training input '" + data.name() + "', ";
      if (data.rowsOnly()) {
        if (!pinned(data) && DeltaIO.exists(spark, data.location())) {
          gone.add(what + "the " + data.describe() + " of " + data.location());
        }
      } else if (!restore(data.location(), data.version())) {
        gone.add(what + data.location() + " at v" + data.version());
      }
    }
    if (!restore(model.holdoutLocation(), model.holdoutVersion())) {
      gone.add("holdout, " + model.holdoutLocation() + " at v" + model.holdoutVersion());
    }
    return gone;
  }

  /** Pins {@code table} at {@code version} again when it has no pin; false when Delta cannot give that version whole. */
  private boolean restore(String table, long version) {
    if (version < 0 || table == null || table.isEmpty() || pinned(table, version) || !DeltaIO.exists(spark, table)) {
      return true;
    }
    try {
      pin(table, version);
    } catch (Exception e) {
      // Scala code throws checked exceptions (AnalysisException) undeclared: the log no longer holds the version.
      return false;
    }
    Pin pin = new Pin(location(table, version), 0);
    try {
      Path first = new Path(pin.location());
      FileSystem fs = first.getFileSystem(spark.sessionState().newHadoopConf());
      for (String file : files(pin)) {
        if (!fs.exists(new Path(file))) {
          // The log still lists the version, but vacuum removed its files: a pin of it would read nothing.
          remove(pin);
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot check the files of the lineage pin " + pin.location(), e);
    }
  }

  /** Writes {@code rows} as the one commit of a new table at {@code pin}, unless it exists already. */
  private void pinRows(String pin, Dataset<Row> rows) {
    if (DeltaIO.exists(spark, pin)) {
      return;
    }
    try {
      rows.write().format("delta").mode("errorifexists").save(pin);
    } catch (RuntimeException e) {
      // Two registrations pinning the same rows at once: the loser finds the winner's pin.
      if (!DeltaIO.exists(spark, pin)) {
        throw e;
      }
    }
  }

  /** Every pin on disk. */
  public List<Pin> pins() {
    List<Pin> out = new ArrayList<>();
    try {
      Path root = new Path(folder);
      FileSystem fs = root.getFileSystem(spark.sessionState().newHadoopConf());
      if (!fs.exists(root)) {
        return out;
      }
      for (FileStatus table : fs.listStatus(root)) {
        for (FileStatus version : table.isDirectory() ? fs.listStatus(table.getPath()) : new FileStatus[0]) {
          Path commit = new Path(new Path(version.getPath(), "_delta_log"), FIRST_COMMIT);
          long created = fs.exists(commit) ? fs.getFileStatus(commit).getModificationTime()
              : version.getModificationTime();
          out.add(new Pin(normalize(version.getPath().toString()), created));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the lineage pins in " + folder, e);
    }
    out.sort(java.util.Comparator.comparing(Pin::location));
    return out;
  }

  /** Removes a pin's folder (its log only: the files it references belong to the source table). */
  public void remove(Pin pin) {
    Path path = new Path(pin.location());
    try {
      path.getFileSystem(spark.sessionState().newHadoopConf()).delete(path, true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot remove the lineage pin " + pin.location(), e);
    }
  }

  /**
   * The files a pin references, as plain paths: every data file of the pinned version and the
   * deletion vectors stored next to them.
   */
  public Set<String> files(Pin pin) {
    Set<String> out = new HashSet<>();
    Path commit = new Path(new Path(pin.location(), "_delta_log"), FIRST_COMMIT);
    try {
      FileSystem fs = commit.getFileSystem(spark.sessionState().newHadoopConf());
      if (!fs.exists(commit)) {
        return out;
      }
      try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(commit), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (!line.startsWith("{\"add\"")) {
            continue;
          }
          JsonNode add = JSON.readTree(line).path("add");
          out.add(decoded(pin.location(), add.path("path").asText()));
          JsonNode dv = add.path("deletionVector");
          if ("p".equals(dv.path("storageType").asText())) {
            out.add(decoded(pin.location(), dv.path("pathOrInlineDv").asText()));
          }
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the lineage pin " + pin.location(), e);
    }
  }

  /** A path of the Delta log (a URI, encoded; relative to the table unless absolute) as a plain path. */
  private static String decoded(String table, String path) {
    try {
      URI uri = new URI(path);
      Path p = uri.isAbsolute() || path.startsWith("/") ? new Path(uri) : new Path(new Path(table), new Path(uri));
      return normalize(p.toString());
    } catch (URISyntaxException e) {
      return normalize(path);
    }
  }

  /** A location as a plain path without scheme or trailing slash, the way lakemill compares locations. */
  public static String normalize(String location) {
    String path = location.startsWith("file:") ? new Path(location).toUri().getPath() : location;
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static String quote(String path) {
    return path.replace("`", "``");
  }
}
