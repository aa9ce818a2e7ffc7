package dev.lakemill.registry;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import dev.lakemill.delta.DeltaIO;
import dev.lakemill.delta.InputVersion;
import dev.lakemill.error.LakemillException;
import dev.lakemill.faults.FaultPoints;
import dev.lakemill.spec.ModelRef;
import io.delta.exceptions.DeltaConcurrentModificationException;
import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayDeque;
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
      .add("name", DataTypes.StringType).add("location", DataTypes.StringType).add("version", DataTypes.LongType);
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

  private final SparkSession spark;
  private final String location;

  /** @param location the metadata folder, {@code <lakehouse root>/_lakemill} */
  public ModelRegistry(SparkSession spark, String location) {
    this.spark = spark;
    this.location = location;
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
   */
  public ModelVersion register(ModelVersion draft) {
    pins().pinModel(draft);
    FaultPoints.at("register:" + draft.name());
    for (int attempt = 1; ; attempt++) {
      ModelVersion v = draft.withVersion(nextVersion(draft.name()), Instant.now());
      Dataset<Row> row = spark.createDataFrame(List.of(toRow(v)), MODELS);
      try {
        long inserted = 1;
        if (!createdNow()) {
          row.write().format("delta").mode("errorifexists").save(modelsLocation());
        } else {
          Row metrics = DeltaTable.forPath(spark, modelsLocation()).as("t")
              .merge(row.as("s"), "t.name = s.name AND t.version = s.version")
              .whenNotMatched().insertAll()
              .execute().head();
          inserted = metrics.<Long>getAs("num_inserted_rows");
        }
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
    spark.createDataFrame(List.of(row), schema).write().format("delta").mode("append").save(where);
  }

  /** Registered model names, sorted. */
  public List<String> names() {
    if (!exists(modelsLocation())) {
      return List.of();
    }
    return new TreeSet<>(reading(modelsLocation(), () -> table(modelsLocation()).select("name").distinct()
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList())).stream().toList();
  }

  /** Every version of {@code name}, oldest first. */
  public List<ModelVersion> versions(String name) {
    if (!exists(modelsLocation())) {
      return List.of();
    }
    return reading(modelsLocation(), () -> table(modelsLocation()).where(col("name").equalTo(name)).orderBy("version")
        .collectAsList()).stream().map(ModelRegistry::toVersion).toList();
  }

  public Optional<ModelVersion> version(String name, int version) {
    if (!exists(modelsLocation())) {
      return Optional.empty();
    }
    return reading(modelsLocation(), () -> table(modelsLocation())
        .where(col("name").equalTo(name).and(col("version").equalTo(version))).collectAsList())
        .stream().findFirst().map(ModelRegistry::toVersion);
  }

  /** Validations of {@code name}, oldest first. */
  public List<Validation> validations(String name) {
    if (!exists(validationsLocation())) {
      return List.of();
    }
    return reading(validationsLocation(), () -> table(validationsLocation()).where(col("name").equalTo(name))
        .orderBy("validated_at").collectAsList()).stream().map(ModelRegistry::toValidation).toList();
  }

  /** Alias and archive events of {@code name}, oldest first. */
  public List<AliasEvent> events(String name) {
    if (!exists(eventsLocation())) {
      return List.of();
    }
    return reading(eventsLocation(), () -> table(eventsLocation()).where(col("name").equalTo(name)).orderBy("at")
        .collectAsList()).stream()
        .map(r -> new AliasEvent(r.getAs("name"), AliasAction.parse(r.getAs("action")), r.getAs("alias"), (Integer) r.getAs("version"),
            ((Timestamp) r.getAs("at")).toInstant(), r.getAs("run_id"), r.getAs("reason")))
        .toList();
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

  private boolean exists(String table) {
    return DeltaIO.present(spark, table, (latest, cause) -> RegistryErrors.damaged(table, latest, cause));
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
        seq(v.lineage().stream().map(i -> RowFactory.create(i.name(), i.location(), i.version())).toList()),
        v.holdoutLocation(), v.holdoutVersion(), v.split(), v.fingerprint(), v.definition(), v.lakemillVersion(),
        v.sparkVersion(), v.modelPath());
  }

  private static ModelVersion toVersion(Row r) {
    List<TuningResult> tuning = r.<Row>getList(r.fieldIndex("tuning")).stream()
        .map(t -> new TuningResult(t.getJavaMap(0), t.getDouble(1))).toList();
    List<InputVersion> lineage = r.<Row>getList(r.fieldIndex("lineage")).stream()
        .map(i -> new InputVersion(i.getString(0), i.getString(1), i.getLong(2))).toList();
    return new ModelVersion(r.getAs("name"), (Integer) r.getAs("version"), r.getAs("run_id"), r.getAs("pipeline"),
        r.getAs("step"), ((Timestamp) r.getAs("created_at")).toInstant(), r.getAs("estimator_class"),
        r.getAs("problem_type"), r.getJavaMap(r.fieldIndex("params")), r.getAs("tuning_metric"), tuning,
        r.getJavaMap(r.fieldIndex("metrics")), r.getAs("label"), r.getList(r.fieldIndex("feature_columns")),
        r.getAs("data_input"), lineage, r.getAs("holdout_location"), (Long) r.getAs("holdout_version"),
        r.getAs("split"), r.getAs("fingerprint"), r.getAs("definition"), r.getAs("lakemill_version"),
        r.getAs("spark_version"), r.getAs("model_path"));
  }

  private static Validation toValidation(Row r) {
    List<GateResult> gates = r.<Row>getList(r.fieldIndex("gates")).stream()
        .map(g -> new GateResult(g.getString(0), g.getString(1), g.getDouble(2), g.getDouble(3), g.getDouble(4),
            g.getInt(5), g.getDouble(6), g.getBoolean(7)))
        .toList();
    return new Validation(r.getAs("name"), (Integer) r.getAs("version"), r.getAs("run_id"),
        ((Timestamp) r.getAs("validated_at")).toInstant(), gates, r.getAs("passed"));
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
