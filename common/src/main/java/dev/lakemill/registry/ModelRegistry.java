package dev.lakemill.registry;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import dev.lakemill.delta.DeltaIO;
import dev.lakemill.delta.InputVersion;
import dev.lakemill.delta.KernelTables;
import dev.lakemill.error.LakemillException;
import dev.lakemill.faults.FaultPoints;
import dev.lakemill.fs.HadoopConf;
import dev.lakemill.settings.Environment;
import dev.lakemill.spec.ModelRef;
import io.delta.exceptions.DeltaConcurrentModificationException;
import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The model registry: Delta tables under {@code <lakehouse root>/_lakemill/}: {@code models} (one
 * row per version, never updated), {@code model_validations} (each validate step's gate results) and
 * {@code model_events} (alias moves and archiving). Aliases are replayed from their events, so the
 * version an alias pointed to at any instant is a query.
 */
public final class ModelRegistry {
  private static final StructType INPUT = new StructType()
      .add("name", DataTypes.StringType).add("location", DataTypes.StringType).add("version", DataTypes.LongType)
      .add("written_by", DataTypes.StringType);
  private static final StructType TUNING = new StructType()
      .add("params", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
      .add("metric", DataTypes.DoubleType);
  static final StructType MODELS = new StructType()
      .add("name", DataTypes.StringType).add("version", DataTypes.IntegerType)
      .add("run_id", DataTypes.StringType).add("pipeline", DataTypes.StringType).add("step", DataTypes.StringType)
      .add("created_at", DataTypes.TimestampType)
      .add("estimator_class", DataTypes.StringType).add("problem_type", DataTypes.StringType)
      .add("params", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
      .add("tuning_metric", DataTypes.StringType)
      .add("tuning", DataTypes.createArrayType(TUNING))
      .add("metrics", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType))
      .add("label", DataTypes.StringType)
      .add("feature_columns", DataTypes.createArrayType(DataTypes.StringType))
      .add("data_input", DataTypes.StringType)
      .add("lineage", DataTypes.createArrayType(INPUT))
      .add("holdout_location", DataTypes.StringType).add("holdout_version", DataTypes.LongType)
      .add("split", DataTypes.StringType).add("fingerprint", DataTypes.StringType)
      .add("definition", DataTypes.StringType)
      .add("lakemill_version", DataTypes.StringType).add("spark_version", DataTypes.StringType)
      .add("model_path", DataTypes.StringType);
  private static final StructType GATE = new StructType()
      .add("metric", DataTypes.StringType).add("kind", DataTypes.StringType)
      .add("threshold", DataTypes.DoubleType).add("value", DataTypes.DoubleType).add("bound", DataTypes.DoubleType)
      .add("champion_version", DataTypes.IntegerType).add("champion_value", DataTypes.DoubleType)
      .add("passed", DataTypes.BooleanType);
  static final StructType VALIDATIONS = new StructType()
      .add("name", DataTypes.StringType).add("version", DataTypes.IntegerType).add("run_id", DataTypes.StringType)
      .add("validated_at", DataTypes.TimestampType).add("gates", DataTypes.createArrayType(GATE))
      .add("passed", DataTypes.BooleanType);
  static final StructType EVENTS = new StructType()
      .add("name", DataTypes.StringType).add("action", DataTypes.StringType).add("alias", DataTypes.StringType)
      .add("version", DataTypes.IntegerType).add("at", DataTypes.TimestampType).add("run_id", DataTypes.StringType)
      .add("reason", DataTypes.StringType);

  private static final int MAX_ATTEMPTS = 20;

  private static final List<String> MODEL_COLUMNS = List.of(MODELS.fieldNames());
  private static final List<String> VALIDATION_COLUMNS = List.of(VALIDATIONS.fieldNames());
  private static final List<String> EVENT_COLUMNS = List.of(EVENTS.fieldNames());

  private final SparkSession spark;
  private final KernelTables kernel;
  private final String location;

  /**
   * A registry that reads and writes; its reads go through Delta Kernel with the session's Hadoop settings.
   *
   * @param location the metadata folder, {@code <lakehouse root>/_lakemill}
   */
  public ModelRegistry(SparkSession spark, String location) {
    this.spark = spark;
    this.kernel = KernelTables.of(spark.sessionState().newHadoopConf());
    this.location = location;
  }

  /**
   * A registry that only reads, through Delta Kernel with the environment's Hadoop settings: no SparkSession
   * ({@code lakemill models list|show|history|as-of}). Its writes are programming errors.
   */
  public ModelRegistry(Environment env, String location) {
    this(HadoopConf.of(env), location);
  }

  /** A registry that only reads, through Delta Kernel with {@code hadoop}: no SparkSession. */
  public ModelRegistry(org.apache.hadoop.conf.Configuration hadoop, String location) {
    this(KernelTables.of(hadoop), location);
  }

  /** A registry that only reads, with {@code kernel} (and what it has read already). */
  public ModelRegistry(KernelTables kernel, String location) {
    this.spark = null;
    this.kernel = kernel;
    this.location = location;
  }

  /**
   * Reads the tables resolving a model reads (versions, alias events), so that the next reads of the same
   * versions through the same {@link KernelTables} are answered from memory.
   */
  public void prefetch() {
    rows(modelsLocation(), MODEL_COLUMNS);
    rows(eventsLocation(), EVENT_COLUMNS);
  }

  public String modelsLocation() {
    return location + "/models";
  }

  public String validationsLocation() {
    return location + "/model_validations";
  }

  public String eventsLocation() {
    return location + "/model_events";
  }

  /** The lineage pins of this registry's models. */
  public LineagePins pins() {
    return new LineagePins(spark, location);
  }

  /** Where a run's fitted PipelineModel is saved before it is registered. */
  public String artifactLocation(String name, String runId) {
    return location + "/model_artifacts/" + name + "/" + runId.replaceAll("[^A-Za-z0-9_.-]", "_") + "-"
        + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
  }

  /**
   * Registers {@code draft} as the next version of its name. The row is inserted with a MERGE on
   * (name, version), so two registrations that pick the same number conflict in Delta's optimistic
   * concurrency check; the loser retries with the next number. Versions stay unique and gap-free.
   * The table versions the model needs (training input, holdout) are pinned first ({@link LineagePins}).
   * A models table written before lineage entries had {@code written_by} gains the field on this write
   * (Delta schema evolution); its older rows read it as null: the whole table at the version.
   */
  public ModelVersion register(ModelVersion draft) {
    return register(draft, null);
  }

  /**
   * {@link #register(ModelVersion)}, with the rows of the draft's training input as its run read them:
   * when they are only the rows one run wrote ({@link InputVersion#rowsOnly()}), they are copied into the
   * input's rows pin ({@link LineagePins#pinModel}); null when the input is a whole table.
   */
  public ModelVersion register(ModelVersion draft, Dataset<Row> trainedOn) {
    pins().pinModel(draft, trainedOn);
    FaultPoints.at("register:" + draft.name());
    for (int attempt = 1; ; attempt++) {
      ModelVersion v = draft.withVersion(nextVersion(draft.name()), Instant.now());
      Dataset<Row> row = spark.createDataFrame(List.of(toRow(v)), MODELS);
      try {
        // Compacted every COMPACT_AT_FILES registrations: every registry read opens the table whole.
        long inserted = DeltaIO.compacting(spark, () -> {
          if (!createdNow()) {
            row.write().format("delta").mode("errorifexists").save(modelsLocation());
            return 1L;
          }
          Row metrics = DeltaTable.forPath(spark, modelsLocation()).as("t")
              .merge(row.as("s"), "t.name = s.name AND t.version = s.version")
              .withSchemaEvolution()
              .whenNotMatched().insertAll()
              .execute().head();
          return metrics.<Long>getAs("num_inserted_rows");
        });
        if (inserted == 0) {
          // Another registration committed this number after we picked it: take the next one.
          sleepQuietly(ThreadLocalRandom.current().nextLong(5, 20L * attempt));
          if (attempt >= MAX_ATTEMPTS) {
            throw RegistryErrors.versionsTaken(draft.name(), attempt);
          }
          continue;
        }
        if (versionCount(v.name(), v.version()) == 1) {
          return v;
        }
        throw RegistryErrors.registeredTwice(v.ref(), modelsLocation());
      } catch (RuntimeException e) {
        if (attempt >= MAX_ATTEMPTS || !concurrent(e)) {
          throw e;
        }
        sleepQuietly(ThreadLocalRandom.current().nextLong(20, 50L * attempt));
      }
    }
  }

  /**
   * Whether the models table exists, from a listing of its log: another process may have created it
   * since this session cached the table as absent, and then only a fresh look avoids retrying the
   * table's creation forever.
   */
  private boolean createdNow() {
    return DeltaIO.latestVersion(spark, modelsLocation()) >= 0;
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RegistryErrors.interrupted(e);
    }
  }

  private long versionCount(String name, int version) {
    return table(modelsLocation()).where(col("name").equalTo(name).and(col("version").equalTo(version))).count();
  }

  private static boolean concurrent(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DeltaConcurrentModificationException
          || (t.getMessage() != null && t.getMessage().contains("DELTA_PATH_EXISTS"))
          || t.getClass().getSimpleName().contains("Concurrent")) {
        return true;
      }
    }
    return false;
  }

  private int nextVersion(String name) {
    if (!createdNow()) {
      return 1;
    }
    Row row = table(modelsLocation()).where(col("name").equalTo(name)).agg(max("version")).head();
    return row.isNullAt(0) ? 1 : row.getInt(0) + 1;
  }

  public void recordValidation(Validation v) {
    List<Row> gates = v.gates().stream().map(g -> RowFactory.create(g.metric(), g.kind(), g.threshold(), g.value(),
        g.bound(), g.championVersion(), g.championValue(), g.passed())).toList();
    append(RowFactory.create(v.name(), v.version(), v.runId(), ts(v.at()), seq(gates), v.passed()), VALIDATIONS,
        validationsLocation());
  }

  public void recordEvent(AliasEvent e) {
    append(RowFactory.create(e.name(), e.action().text(), e.alias(), e.version(), ts(e.at()), e.runId(), e.reason()), EVENTS,
        eventsLocation());
  }

  private void append(Row row, StructType schema, String where) {
    DeltaIO.compacting(spark, () -> {
      spark.createDataFrame(List.of(row), schema).write().format("delta").mode("append").save(where);
      return null;
    });
  }

  /** Registered model names, sorted. */
  public List<String> names() {
    return new TreeSet<>(rows(modelsLocation(), List.of("name")).stream().map(r -> (String) r.get("name")).toList())
        .stream().toList();
  }

  /** Every version of {@code name}, oldest first. */
  public List<ModelVersion> versions(String name) {
    return rows(modelsLocation(), MODEL_COLUMNS).stream().filter(r -> name.equals(r.get("name")))
        .sorted(Comparator.comparing(r -> (Integer) r.get("version"))).map(ModelRegistry::toVersion).toList();
  }

  public Optional<ModelVersion> version(String name, int version) {
    return versions(name).stream().filter(v -> v.version() == version).findFirst();
  }

  /** Validations of {@code name}, oldest first. */
  public List<Validation> validations(String name) {
    return rows(validationsLocation(), VALIDATION_COLUMNS).stream().filter(r -> name.equals(r.get("name")))
        .sorted(Comparator.comparing(r -> (Timestamp) r.get("validated_at"))).map(ModelRegistry::toValidation).toList();
  }

  /** Alias and archive events of {@code name}, oldest first. */
  public List<AliasEvent> events(String name) {
    return rows(eventsLocation(), EVENT_COLUMNS).stream().filter(r -> name.equals(r.get("name")))
        .sorted(Comparator.comparing(r -> (Timestamp) r.get("at")))
        .map(r -> new AliasEvent((String) r.get("name"), AliasAction.parse((String) r.get("action")),
            (String) r.get("alias"), (Integer) r.get("version"), ((Timestamp) r.get("at")).toInstant(),
            (String) r.get("run_id"), (String) r.get("reason")))
        .toList();
  }

  /** Every row of {@code table} through Delta Kernel, none when it does not exist yet. */
  private List<Map<String, Object>> rows(String table, List<String> columns) {
    return kernel.rows(table, columns, (latest, cause) -> RegistryErrors.damaged(table, latest, cause))
        .map(KernelTables.Rows::rows).orElse(List.of());
  }

  /** The alias and archive state of {@code name} now, from one read of its events. */
  public AliasState state(String name) {
    return AliasState.of(events(name));
  }

  /**
   * Each alias's version at {@code at} (null: now), replaying events: promote pushes a version,
   * rollback pops back to the previous one.
   */
  public Map<String, Integer> aliasesAt(String name, Instant at) {
    return aliasesAt(events(name), at);
  }

  /** Each alias's version at {@code at} (null: after all of them), replaying {@code events}, oldest first. */
  public static Map<String, Integer> aliasesAt(List<AliasEvent> events, Instant at) {
    Map<String, Integer> out = new LinkedHashMap<>();
    stacks(events, at).forEach((alias, stack) -> {
      if (!stack.isEmpty()) {
        out.put(alias, stack.peek());
      }
    });
    return out;
  }

  /** Each alias's versions up to {@code at} (null: all), its current one on top. */
  static Map<String, Deque<Integer>> stacks(List<AliasEvent> events, Instant at) {
    Map<String, Deque<Integer>> stacks = new LinkedHashMap<>();
    for (AliasEvent e : events) {
      if (at != null && e.at().isAfter(at)) {
        break;
      }
      if (e.alias().isEmpty()) {
        continue;
      }
      Deque<Integer> stack = stacks.computeIfAbsent(e.alias(), k -> new ArrayDeque<>());
      if (e.action() == AliasAction.PROMOTE) {
        stack.push(e.version());
      } else if (e.action() == AliasAction.ROLLBACK && !stack.isEmpty()) {
        stack.pop();
      }
    }
    return stacks;
  }

  /** The version an alias would return to on rollback (the one before the current), or 0. */
  public int previousVersion(String name, String alias) {
    return state(name).previousVersion(alias);
  }

  /** Versions archived now (archive events not undone). */
  public Set<Integer> archived(String name) {
    return state(name).archived();
  }


  /** Resolves {@code name@alias} (now) or {@code name@vN}; throws with what exists when it cannot. */
  public ModelVersion resolve(ModelRef ref) {
    List<ModelVersion> all = versions(ref.name());
    if (all.isEmpty()) {
      throw RegistryErrors.noModel(ref.name(), known());
    }
    int version = ref.version();
    if (ref.byAlias()) {
      Map<String, Integer> aliases = aliasesAt(ref.name(), null);
      Integer v = aliases.get(ref.alias());
      if (v == null) {
        throw RegistryErrors.noAlias(ref.name(), ref.alias(), aliases, all.get(all.size() - 1).version());
      }
      version = v;
    }
    int wanted = version;
    return all.stream().filter(m -> m.version() == wanted).findFirst()
        .orElseThrow(() -> RegistryErrors.noVersion(ref.name(), wanted, all.get(all.size() - 1).version()));
  }

  private String known() {
    List<String> names = names();
    return names.isEmpty() ? " (the registry is empty)" : " (registered: " + String.join(", ", names) + ")";
  }

  private Dataset<Row> table(String where) {
    return reading(where, () -> spark.read().format("delta").load(where));
  }

  /** Runs {@code read} on {@code table}; Delta failing to read it becomes {@link RegistryErrors#damaged}. */
  private <T> T reading(String table, Supplier<T> read) {
    return DeltaIO.reading(spark, table, read, (latest, cause) -> RegistryErrors.damaged(table, latest, cause));
  }

  private static Row toRow(ModelVersion v) {
    return RowFactory.create(v.name(), v.version(), v.runId(), v.pipeline(), v.step(), ts(v.createdAt()),
        v.estimatorClass(), v.problemType(), map(v.params()), v.tuningMetric(),
        seq(v.tuning().stream().map(t -> RowFactory.create(map(t.params()), t.metric())).toList()),
        map(v.metrics()), v.label(), seq(v.featureColumns()), v.dataInput(),
        seq(v.lineage().stream().map(i -> RowFactory.create(i.name(), i.location(), i.version(),
            i.rowsOnly() ? i.writtenBy() : null)).toList()),
        v.holdoutLocation(), v.holdoutVersion(), v.split(), v.fingerprint(), v.definition(), v.lakemillVersion(),
        v.sparkVersion(), v.modelPath());
  }

  @SuppressWarnings("unchecked")
  private static ModelVersion toVersion(Map<String, Object> r) {
    List<TuningResult> tuning = ((List<Map<String, Object>>) r.get("tuning")).stream()
        .map(t -> new TuningResult((Map<String, String>) t.get("params"), (Double) t.get("metric"))).toList();
    List<InputVersion> lineage = ((List<Map<String, Object>>) r.get("lineage")).stream()
        .map(i -> new InputVersion((String) i.get("name"), (String) i.get("location"), (Long) i.get("version"),
            (String) i.get("written_by")))
        .toList();
    return new ModelVersion((String) r.get("name"), (Integer) r.get("version"), (String) r.get("run_id"),
        (String) r.get("pipeline"), (String) r.get("step"), ((Timestamp) r.get("created_at")).toInstant(),
        (String) r.get("estimator_class"), (String) r.get("problem_type"), (Map<String, String>) r.get("params"),
        (String) r.get("tuning_metric"), tuning, (Map<String, Double>) r.get("metrics"), (String) r.get("label"),
        (List<String>) r.get("feature_columns"), (String) r.get("data_input"), lineage,
        (String) r.get("holdout_location"), (Long) r.get("holdout_version"), (String) r.get("split"),
        (String) r.get("fingerprint"), (String) r.get("definition"), (String) r.get("lakemill_version"),
        (String) r.get("spark_version"), (String) r.get("model_path"));
  }

  @SuppressWarnings("unchecked")
  private static Validation toValidation(Map<String, Object> r) {
    List<GateResult> gates = ((List<Map<String, Object>>) r.get("gates")).stream()
        .map(g -> new GateResult((String) g.get("metric"), (String) g.get("kind"), (Double) g.get("threshold"),
            (Double) g.get("value"), (Double) g.get("bound"), (Integer) g.get("champion_version"),
            (Double) g.get("champion_value"), (Boolean) g.get("passed")))
        .toList();
    return new Validation((String) r.get("name"), (Integer) r.get("version"), (String) r.get("run_id"),
        ((Timestamp) r.get("validated_at")).toInstant(), gates, (Boolean) r.get("passed"));
  }

  private static Timestamp ts(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }

  private static <K, V> scala.collection.Map<K, V> map(Map<K, V> m) {
    return CollectionConverters.asScala(m);
  }

  private static <T> scala.collection.immutable.Seq<T> seq(List<T> list) {
    return CollectionConverters.asScala(list).toSeq();
  }
}
