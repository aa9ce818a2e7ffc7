package dev.lakemill.ops;

import dev.lakemill.compile.PipelineCompiler;
import dev.lakemill.delta.DeltaIO;
import dev.lakemill.delta.DeltaLogFiles;
import dev.lakemill.delta.InputVersion;
import dev.lakemill.delta.TableErrors;
import dev.lakemill.drift.spark.DriftHistory;
import dev.lakemill.error.LakemillException;
import dev.lakemill.ledger.RunLedger;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.registry.ModelRegistry;
import dev.lakemill.registry.ModelVersion;
import dev.lakemill.safety.LeaseHolder;
import dev.lakemill.safety.Leases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code lakemill doctor}: checks a lakehouse and says what is wrong and how to fix each thing. Damage
 * (a table Delta cannot read: a garbled commit, a missing data file, a table left without its log) makes
 * commands fail with exit code 3; warnings (a stale lease, rows of runs the ledger does not know, model
 * inputs older than their table's log retention) do not, but need a look. Reads only; changes nothing.
 */
public final class Doctor {
  /** How bad a finding is. */
  public enum Level { DAMAGE, WARNING }

  /** One thing found: what is wrong, where, and how to fix it. */
  public record Finding(Level level, String text) {}

  /**
   * @param checked the tables found and checked, by location
   * @param findings damage first, then warnings
   */
  public record Report(String root, List<String> checked, List<Finding> findings) {
    public Report {
      checked = List.copyOf(checked);
      findings = findings.stream().sorted(java.util.Comparator.comparing(Finding::level)).toList();
    }

    public boolean damaged() {
      return findings.stream().anyMatch(f -> f.level() == Level.DAMAGE);
    }

    /** Throws the exit-code-3 error when damage was found (after the report was printed). */
    public void failIfDamaged() {
      long n = findings.stream().filter(f -> f.level() == Level.DAMAGE).count();
      if (n > 0) {
        throw OpsErrors.damageFound(root, n);
      }
    }
  }

  /** Delta's default {@code delta.logRetentionDuration}. */
  static final Duration DEFAULT_LOG_RETENTION = Duration.ofDays(30);
  private static final Pattern INTERVAL = Pattern.compile(
      "(?i)\\s*(?:interval\\s+)?(\\d+)\\s*(second|minute|hour|day|week)s?\\s*");
  private static final String LEDGER = "run ledger table";
  private static final String REGISTRY = "model registry table";

  private final SparkSession spark;
  private final Configuration conf;

  public Doctor(SparkSession spark) {
    this.spark = spark;
    this.conf = spark.sessionState().newHadoopConf();
  }

  /** Checks the lakehouse at {@code root} (as configured: relative folders resolve against the working directory). */
  public Report check(String root) {
    String base = PipelineCompiler.resolveRoot(root);
    String ledgerFolder = base + "/" + PipelinePlan.LEDGER_FOLDER;
    RunLedger ledger = new RunLedger(spark, ledgerFolder);
    ModelRegistry registry = new ModelRegistry(spark, ledgerFolder);
    Map<String, String> tables = new LinkedHashMap<>();
    tables.put(ledger.runsLocation(), LEDGER);
    tables.put(ledger.stepsLocation(), LEDGER);
    tables.put(registry.modelsLocation(), REGISTRY);
    tables.put(registry.validationsLocation(), REGISTRY);
    tables.put(registry.eventsLocation(), REGISTRY);
    for (String t : dataTables(base)) {
      tables.put(t, "table");
    }
    List<Finding> findings = new ArrayList<>();
    List<String> checked = new ArrayList<>();
    Set<String> readable = new TreeSet<>();
    for (Map.Entry<String, String> t : tables.entrySet()) {
      try {
        if (readable(t.getKey(), t.getValue())) {
          checked.add(t.getKey());
          readable.add(t.getKey());
        }
      } catch (LakemillException e) {
        checked.add(t.getKey());
        findings.add(new Finding(Level.DAMAGE, e.getMessage().replace(TableErrors.DOCTOR_HINT, "")));
      }
    }
    List<Leases.Lease> leases = Leases.list(ledgerFolder, conf);
    findings.addAll(leaseFindings(leases, Instant.now()));
    if (readable.contains(ledger.runsLocation()) || !tables.containsKey(ledger.runsLocation())) {
      findings.addAll(staleRows(ledger, ledgerFolder, leases, readable));
    }
    if (readable.contains(registry.modelsLocation())
        && (readable.contains(registry.eventsLocation()) || !DeltaIO.exists(spark, registry.eventsLocation()))) {
      findings.addAll(retention(registry, Instant.now()));
    }
    return new Report(base, checked, findings);
  }

  /**
   * Whether {@code table} exists, reading its log and checking that every data file of its current version
   * is there; a table that fails either is damage.
   */
  private boolean readable(String table, String role) {
    DeltaIO.Damaged damaged = (latest, cause) -> TableErrors.damaged(role(table, role), table, latest, cause);
    if (!DeltaIO.present(spark, table, damaged)) {
      return false;
    }
    return DeltaIO.reading(spark, table, () -> {
      String[] files = spark.read().format("delta").load(table).inputFiles();
      List<String> missing = new ArrayList<>();
      try {
        for (String f : files) {
          Path p = new Path(URI.create(f));
          if (!p.getFileSystem(conf).exists(p)) {
            missing.add(p.getName());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (!missing.isEmpty()) {
        String what = missing.size() + " of its " + files.length + " data files are missing, e.g. " + missing.get(0);
        throw new UncheckedIOException(what, new java.io.FileNotFoundException(what));
      }
      return true;
    }, damaged);
  }

  /** A table's role in messages: drift history tables are told by their columns. */
  private String role(String table, String role) {
    if (!"table".equals(role)) {
      return role;
    }
    try {
      List<String> columns = Arrays.asList(spark.read().format("delta").load(table).columns());
      return columns.containsAll(Arrays.asList(DriftHistory.SCHEMA.fieldNames())) ? "drift history table" : "table";
    } catch (Exception e) {
      // Delta's AnalysisException is checked in Java's terms and thrown undeclared.
      return "table";
    }
  }

  /** {@code <root>/<schema>/<table>} folders that are (or were) Delta tables. */
  private List<String> dataTables(String base) {
    List<String> out = new ArrayList<>();
    try {
      Path root = new Path(base);
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        return out;
      }
      for (FileStatus schema : fs.listStatus(root)) {
        String name = schema.getPath().getName();
        if (!schema.isDirectory() || name.startsWith("_") || name.startsWith(".")) {
          continue;
        }
        for (FileStatus table : fs.listStatus(schema.getPath())) {
          if (table.isDirectory() && !table.getPath().getName().startsWith(".") && looksLikeTable(fs, table.getPath())) {
            out.add(base + "/" + name + "/" + table.getPath().getName());
          }
        }
      }
      out.sort(null);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the lakehouse " + base, e);
    }
  }

  private static boolean looksLikeTable(FileSystem fs, Path folder) throws IOException {
    for (FileStatus f : fs.listStatus(folder)) {
      if (f.getPath().getName().equals("_delta_log") || f.getPath().getName().endsWith(".parquet")) {
        return true;
      }
    }
    return false;
  }

  /** Expired leases and abandoned runs not yet recorded. */
  static List<Finding> leaseFindings(List<Leases.Lease> leases, Instant now) {
    List<Finding> out = new ArrayList<>();
    for (Leases.Lease lease : leases) {
      String age = age(Duration.ofMillis(Math.max(0, now.toEpochMilli() - lease.modified())));
      if (lease.tombstone()) {
        if (!lease.recorded() && lease.holder().isPresent()) {
          LeaseHolder h = lease.holder().get();
          out.add(new Finding(Level.WARNING, "Pipeline " + h.pipeline() + ": " + h.describe() + " stopped without"
              + " finishing (its lease was taken over; " + lease.path() + ") and is not recorded in the ledger yet."
              + " To fix it, let the run that took over finish, or run pipeline " + h.pipeline() + " again: it"
              + " records run " + h.runId() + " as abandoned"));
        }
      } else if (lease.holder().isEmpty()) {
        out.add(new Finding(Level.WARNING, "Lease " + lease.path() + " cannot be read (last written " + age
            + " ago). To fix it, delete the file once no run of its pipeline is running"));
      } else if (lease.holder().get().expired(now)) {
        LeaseHolder h = lease.holder().get();
        out.add(new Finding(Level.WARNING, "Pipeline " + h.pipeline() + ": stale lease " + lease.path() + ", held by "
            + h.describe() + ", last heartbeat " + age + " ago (ttl " + age(Duration.ofMillis(h.ttlMillis()))
            + "): that run stopped without releasing it. To fix it, run pipeline " + h.pipeline() + " again: the"
            + " next run takes the lease over and records run " + h.runId() + " as abandoned; if the pipeline no"
            + " longer runs, delete the file"));
      }
    }
    return out;
  }

  /**
   * Rows in tables with a run id column (quarantine tables) whose run the ledger does not record as
   * finished and no live lease holds: what a run left when it stopped before recording itself.
   */
  private List<Finding> staleRows(RunLedger ledger, String ledgerFolder, List<Leases.Lease> leases,
      Set<String> readable) {
    Set<String> known = new TreeSet<>();
    if (readable.contains(ledger.runsLocation())) {
      ledger.runs(runs -> runs.select("run_id").distinct()).forEach(r -> known.add(r.getString(0)));
    }
    Instant now = Instant.now();
    leases.stream().filter(l -> !l.tombstone()).flatMap(l -> l.holder().stream())
        .filter(h -> !h.expired(now)).forEach(h -> known.add(h.runId()));
    List<Finding> out = new ArrayList<>();
    for (String table : readable) {
      if (table.startsWith(ledgerFolder + "/")) {
        continue;
      }
      org.apache.spark.sql.Dataset<Row> data = spark.read().format("delta").load(table);
      if (!Arrays.asList(data.columns()).contains(DeltaIO.QUARANTINE_RUN_ID)) {
        continue;
      }
      Set<String> stale = new TreeSet<>();
      data.select(DeltaIO.QUARANTINE_RUN_ID).distinct().collectAsList().forEach(r -> {
        if (!r.isNullAt(0) && !known.contains(r.getString(0))) {
          stale.add(r.getString(0));
        }
      });
      if (!stale.isEmpty()) {
        String ids = String.join(", ", stale);
        String quoted = "'" + String.join("', '", stale) + "'";
        out.add(new Finding(Level.WARNING, "Table " + table + " holds rows of run(s) " + ids + ", which the ledger"
            + " does not record as finished (a run stopped before recording itself). To fix it, rerun with --run-id"
            + " (a rerun under the same id replaces them), or delete them: DELETE FROM delta.`" + table + "` WHERE "
            + DeltaIO.QUARANTINE_RUN_ID + " IN (" + quoted + ")"));
      }
    }
    return out;
  }

  /**
   * Live (not archived) model versions whose training or holdout data is at a table version older than the
   * table's log retention: once Delta cleans its log, the model can no longer be reproduced or compared.
   * A version with a lineage pin ({@link dev.lakemill.registry.LineagePins}) stays readable whatever the log
   * retention: it is not at risk.
   */
  private List<Finding> retention(ModelRegistry registry, Instant now) {
    dev.lakemill.registry.LineagePins pins = registry.pins();
    List<Finding> out = new ArrayList<>();
    for (String name : registry.names()) {
      Set<Integer> archived = registry.archived(name);
      for (ModelVersion v : registry.versions(name)) {
        if (archived.contains(v.version())) {
          continue;
        }
        List<InputVersion> used = new ArrayList<>(v.lineage());
        if (v.holdoutLocation() != null && !v.holdoutLocation().isEmpty() && v.holdoutVersion() >= 0) {
          used.add(new InputVersion("holdout", v.holdoutLocation(), v.holdoutVersion()));
        }
        for (InputVersion in : used) {
          if (in.version() >= 0 && !pins.pinned(in)) {
            atRisk(v.ref(), in, now).ifPresent(text -> out.add(new Finding(Level.WARNING, text)));
          }
        }
      }
    }
    return out;
  }

  private java.util.Optional<String> atRisk(String ref, InputVersion in, Instant now) {
    String what = "Model " + ref + " was trained on " + in.name() + " (" + in.location() + "@v" + in.version() + ")";
    if (!DeltaIO.exists(spark, in.location())) {
      return java.util.Optional.of(what + ", which no longer exists: it cannot be reproduced. To fix it, retrain"
          + " it, or archive it: lakemill models archive " + ref);
    }
    long committed = DeltaLogFiles.commitMillis(spark, in.location(), in.version());
    if (committed < 0) {
      return java.util.Optional.of(what + ", whose commit is gone from the table's Delta log: that version can no"
          + " longer be read. To fix it, retrain it, or archive it: lakemill models archive " + ref);
    }
    Duration retention = logRetention(in.location());
    Duration age = Duration.ofMillis(Math.max(0, now.toEpochMilli() - committed));
    if (age.compareTo(retention) <= 0) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(what + ", committed " + age(age) + " ago, older than the table's log retention ("
        + age(retention) + "): Delta may clean that version up at its next checkpoint. To fix it, keep the log"
        + " longer (ALTER TABLE delta.`" + in.location() + "` SET TBLPROPERTIES ('delta.logRetentionDuration' ="
        + " 'interval 365 days', 'delta.deletedFileRetentionDuration' = 'interval 365 days')), or retrain it");
  }

  /** The table's {@code delta.logRetentionDuration}, or Delta's default of 30 days. */
  private Duration logRetention(String table) {
    Map<String, String> properties = spark.sql("SHOW TBLPROPERTIES delta.`" + table.replace("`", "``") + "`").collectAsList().stream()
        .collect(java.util.stream.Collectors.toMap(r -> r.getString(0), r -> r.getString(1), (a, b) -> b));
    return parseInterval(properties.get("delta.logRetentionDuration")).orElse(DEFAULT_LOG_RETENTION);
  }

  static java.util.Optional<Duration> parseInterval(String text) {
    if (text == null) {
      return java.util.Optional.empty();
    }
    Matcher m = INTERVAL.matcher(text);
    if (!m.matches()) {
      return java.util.Optional.empty();
    }
    long n = Long.parseLong(m.group(1));
    return java.util.Optional.of(switch (m.group(2).toLowerCase(java.util.Locale.ROOT)) {
      case "second" -> Duration.ofSeconds(n);
      case "minute" -> Duration.ofMinutes(n);
      case "hour" -> Duration.ofHours(n);
      case "week" -> Duration.ofDays(7 * n);
      default -> Duration.ofDays(n);
    });
  }

  /** {@code 3 s}, {@code 5 min}, {@code 2 h}, {@code 31 days}. */
  static String age(Duration d) {
    long s = d.toSeconds();
    if (s < 120) {
      return s + " s";
    }
    if (s < 2 * 3600) {
      return s / 60 + " min";
    }
    return s < 2 * 86400 ? s / 3600 + " h" : s / 86400 + " days";
  }
}
