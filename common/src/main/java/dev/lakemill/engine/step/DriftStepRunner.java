package dev.lakemill.engine.step;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

import dev.lakemill.airflow.rest.ParamTypes;
import dev.lakemill.delta.DeltaIO;
import dev.lakemill.delta.InputVersion;
import dev.lakemill.drift.ColumnDrift;
import dev.lakemill.drift.DatasetDrift;
import dev.lakemill.drift.DriftReport;
import dev.lakemill.drift.DriftTrigger;
import dev.lakemill.drift.HistoryEntry;
import dev.lakemill.drift.spark.DriftCalculator;
import dev.lakemill.drift.spark.DriftHistory;
import dev.lakemill.drift.spark.DriftReports;
import dev.lakemill.plan.DriftStepPlan;
import dev.lakemill.registry.ModelRegistry;
import dev.lakemill.registry.ModelVersion;
import dev.lakemill.spec.DriftStepSpec;
import dev.lakemill.spec.SplitSpec;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Runs a {@code drift} step: resolves the model, reads the reference (by default the model's exact
 * training rows: its input at the recorded Delta version minus the re-derived holdout) and the current
 * rows, adds prediction drift when it can, computes every column in one engine call, decides on-drift
 * from the history, writes the history (one commit replacing this run date's rows), then the report,
 * then fails the step when {@code fail-run} says so.
 */
public final class DriftStepRunner {
  /** Run dates of history drawn in the report's trends. */
  static final int TREND_RUNS = 14;

  /** Rows to compare, with what the history records about them. */
  record Side(Dataset<Row> rows, String table, long version, String description) {}

  /** What the step did. */
  public record Ran(long version, long rowsWritten, long currentRows, ModelVersion model, DatasetDrift drift, String action) {}

  /** On-drift acted with {@code fail-run = true}: the history and the report are written. */
  public static final class DriftFailed extends StepFailedException {
    private final long outputVersion;

    DriftFailed(String step, String message, long outputVersion) {
      super(step, message, null);
      this.outputVersion = outputVersion;
    }

    public long outputVersion() {
      return outputVersion;
    }
  }

  private final SparkSession spark;
  private final ModelRegistry registry;
  private final DriftTrigger trigger;
  private final Consumer<String> info;
  private final String lakehouseRoot;

  public DriftStepRunner(SparkSession spark, ModelRegistry registry, DriftTrigger trigger, Consumer<String> info,
      String lakehouseRoot) {
    this.spark = spark;
    this.registry = registry;
    this.trigger = trigger;
    this.info = info;
    this.lakehouseRoot = lakehouseRoot;
  }

  /**
   * @param views the run's view of a source or step, by name
   * @param versions what the run registered for a source or step: its location and the version read or written
   * @param tag the commit tag the session sets (see {@link DeltaIO#tagCommits})
   */
  public Ran run(DriftStepPlan step, String pipeline, String runId, Function<String, Dataset<Row>> views,
      Function<String, InputVersion> versions, String tag) {
    ModelVersion model = step.model() == null ? null : registry.resolve(step.model());
    Side current = side(step.current(), views, versions, null);
    Side reference = step.reference() == null ? trainingRows(step, model)
        : side(step.reference(), views, versions, model);
    DatasetDrift drift = model == null ? compareData(step, current, reference) : compare(step, model, current, reference);
    LocalDate runDate = step.runDate() != null ? LocalDate.parse(step.runDate()) : LocalDate.now(ZoneOffset.UTC);
    DriftHistory.Run run = new DriftHistory.Run(runId, runDate, pipeline, step.name(),
        model == null ? null : model.name(), model == null ? null : model.version(),
        reference.table(), reference.version(), current.table(), current.version());
    int window = Math.max(TREND_RUNS - 1, step.onDrift().consecutiveRuns() - 1);
    List<HistoryEntry> before = DriftHistory.entries(spark, step.output().location(), pipeline, step.name(), runDate,
        window, null);
    boolean act = drift.drifted() && step.onDrift().acts() && consecutive(before, step.onDrift().consecutiveRuns());
    String action = action(step, run, drift, before, act);

    DeltaIO.Written written = DriftHistory.write(spark, step.output().location(), run,
        DriftHistory.rows(run, drift, action, Instant.now()), tag);
    if (step.report() != null) {
      List<HistoryEntry> history = new ArrayList<>(before);
      history.addAll(DriftHistory.entries(run, drift, action));
      DriftReports.write(spark, step.report(), DriftReport.render(new DriftReport.Header(pipeline, step.name(),
          run.model(), reference.description(), current.description(), runDate, action), drift, history));
    }
    String summary = summary(step, run.model(), drift, written.version());
    info.accept(summary + (action.isEmpty() ? "" : "; " + action));
    if (act && step.onDrift().failRun()) {
      throw RunErrors.drifted(step.name(), summary, step.report(), written.version());
    }
    long currentRows = drift.columns().isEmpty() ? 0 : drift.columns().get(0).currentRows();
    return new Ran(written.version(), written.rows(), currentRows, model, drift, action);
  }

  /**
   * Every compared column in one engine call: the declared columns, or the model's input columns plus
   * its prediction column ({@link PredictionColumn}) when both sides have (or the reference can be
   * scored for) it.
   */
  private DatasetDrift compare(DriftStepPlan step, ModelVersion model, Side current, Side reference) {
    boolean defaultColumns = step.columns().isEmpty();
    List<String> columns = new ArrayList<>(defaultColumns ? model.featureColumns() : step.columns());
    Supplier<PipelineModel> fitted = memoized(() -> PipelineModel.load(model.modelPath()));
    PredictionColumn prediction = PredictionColumn.of(model, fitted);
    String predicted = prediction.column();
    if (defaultColumns && !columns.contains(predicted)) {
      columns.add(predicted);
    }
    boolean watched = columns.contains(predicted);
    Dataset<Row> cur = watched ? prediction.derive(current.rows()) : current.rows();
    Dataset<Row> ref = watched && hasColumn(cur, predicted)
        ? prediction.deriveScoring(reference.rows(), model, fitted) : reference.rows();
    if (defaultColumns && !(hasColumn(cur, predicted) && hasColumn(ref, predicted))) {
      columns.remove(predicted);
      if (hasColumn(cur, predicted)) {
        info.accept("step " + step.name() + ": no prediction drift: the reference has neither predictions nor the"
            + " model's input columns " + model.featureColumns());
      }
    }
    return compute(step, columns, cur, current, ref, reference);
  }

  /** The columns of both sides, read once each (the reference may be scored by the model on the way). */
  private static DatasetDrift compute(DriftStepPlan step, List<String> columns, Dataset<Row> cur, Side current,
      Dataset<Row> ref, Side reference) {
    require(columns, cur, "current", current, step);
    require(columns, ref, "reference", reference, step);
    Dataset<Row> refCols = select(ref, columns).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> curCols = select(cur, columns).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return DriftCalculator.compute(refCols, curCols, columns, step.options(), step.datasetDriftShare());
    } finally {
      refCols.unpersist();
      curCols.unpersist();
    }
  }

  private static <T> Supplier<T> memoized(Supplier<T> load) {
    Object[] value = new Object[1];
    return () -> {
      if (value[0] == null) {
        value[0] = load.get();
      }
      @SuppressWarnings("unchecked")
      T t = (T) value[0];
      return t;
    };
  }

  /**
   * Data drift without a model: the declared columns, or those both sides share that drift can compare
   * ({@link DriftColumns#shared}), with an info line naming the ones left out.
   */
  private DatasetDrift compareData(DriftStepPlan step, Side current, Side reference) {
    List<String> columns = step.columns();
    if (columns.isEmpty()) {
      DriftColumns shared = DriftColumns.shared(reference.rows().schema(), current.rows().schema());
      if (shared.compared().isEmpty()) {
        throw RunErrors.noSharedDriftColumns(step.name(), reference.description(), current.description(),
            shared.leftOut());
      }
      columns = shared.compared();
      info.accept("step " + step.name() + ": compares the " + columns.size() + " columns both sides share"
          + (shared.leftOut().isEmpty() ? "" : "; left out " + String.join(", ", shared.leftOut())
          + " (list them in columns to compare them)"));
    }
    return compute(step, columns, current.rows(), current, reference.rows(), reference);
  }

  /**
   * The rows of a source, a step (what its readers get: the rows its commit produced, for a step with an
   * output table) or a table.
   */
  private Side side(DriftStepPlan.Data data, Function<String, Dataset<Row>> views, Function<String, InputVersion> versions,
      ModelVersion pinFor) {
    if (data.step() == null) {
      long version = data.version() != null ? data.version() : DeltaIO.latestVersion(spark, data.location());
      if (version < 0 || !DeltaIO.exists(spark, data.location())) {
        throw RunErrors.noDriftTable(data.table(), data.location());
      }
      Dataset<Row> rows = pinFor != null && data.version() != null
          ? readPinned(pinFor, "drift reference " + data.table(), data.location(), version, true)
          : DeltaIO.read(spark, data.location(), version);
      return new Side(rows, data.table(), version, data.table() + "@v" + version);
    }
    InputVersion read = versions.apply(data.step());
    if (data.table() != null && read != null && read.version() >= 0) {
      // The step's view holds what its readers get: the rows its run produced at that version (the table after overwrite).
      return new Side(views.apply(data.step()), data.table(), read.version(),
          data.table() + "@v" + read.version() + " (rows step " + data.step() + " wrote)");
    }
    long version = read == null ? -1 : read.version();
    return new Side(views.apply(data.step()), data.step(), version,
        data.step() + (version >= 0 ? "@v" + version : ""));
  }

  /**
   * The model's training rows: its input at the recorded version (only the rows one run wrote at it when the
   * model was trained on those), minus the holdout re-derived from its split.
   */
  private Side trainingRows(DriftStepPlan step, ModelVersion model) {
    InputVersion data = model.dataVersion();
    if (data == null || data.version() < 0 || !DeltaIO.exists(spark, data.location())) {
      throw RunErrors.trainingRowsGone(model.ref(), model.dataInput(), data != null && data.version() >= 0,
          step.name());
    }
    SplitSpec split = model.splitRule()
        .orElseThrow(() -> RunErrors.unknownSplit(model.ref(), model.split(), step.name()));
    boolean archived = registry.archived(model.name()).contains(model.version());
    Dataset<Row> input = registry.pins().read(model, archived, "training input '" + data.name() + "'", data);
    String table = tableName(data.location());
    String rows = data.rowsOnly() ? "rows written by run " + data.writtenBy() + ", " : "";
    return new Side(input.where(not(TrainStepRunner.testRows(split, input))), table, data.version(),
        table + "@v" + data.version() + " (" + rows + "training rows of " + model.ref() + ", " + split.describe() + ")");
  }

  /**
   * A table version that {@code model} needs, read through its lineage pin when it has one (see
   * {@link dev.lakemill.registry.LineagePins}); {@code pin}: pin it first (a drift step's pinned
   * reference, pinned at its first run so that it outlives Delta's log retention).
   */
  private Dataset<Row> readPinned(ModelVersion model, String what, String location, long version, boolean pin) {
    dev.lakemill.registry.LineagePins pins = registry.pins();
    if (pin && !pins.pinned(location, version)) {
      try {
        pins.pin(location, version);
      } catch (RuntimeException e) {
        // Delta can no longer read that version: the read below says so, with the model and the table.
      }
    }
    boolean archived = registry.archived(model.name()).contains(model.version());
    return pins.read(model, archived, what, location, version);
  }

  private static boolean hasColumn(Dataset<Row> rows, String column) {
    return Arrays.asList(rows.columns()).contains(column);
  }

  private static void require(List<String> columns, Dataset<Row> rows, String side, Side data, DriftStepPlan step) {
    List<String> missing = columns.stream().filter(c -> !hasColumn(rows, c)).toList();
    if (!missing.isEmpty()) {
      throw RunErrors.missingDriftColumns(missing, side, data.description(), rows.columns(), step.name());
    }
  }

  private static Dataset<Row> select(Dataset<Row> rows, List<String> columns) {
    return rows.select(columns.stream().map(c -> col("`" + c.replace("`", "``") + "`")).toArray(Column[]::new));
  }

  /** Whether the {@code runs - 1} run dates before this one all drifted (this one did). */
  static boolean consecutive(List<HistoryEntry> before, int runs) {
    List<HistoryEntry> datasets = before.stream().filter(HistoryEntry::isDataset).toList();
    if (datasets.size() < runs - 1) {
      return false;
    }
    return datasets.subList(datasets.size() - (runs - 1), datasets.size()).stream().allMatch(HistoryEntry::drifted);
  }

  private String action(DriftStepPlan step, DriftHistory.Run run, DatasetDrift drift, List<HistoryEntry> before,
      boolean act) {
    DriftStepSpec.OnDrift onDrift = step.onDrift();
    if (!drift.drifted() || !onDrift.acts()) {
      return "";
    }
    if (!act) {
      List<HistoryEntry> datasets = before.stream().filter(HistoryEntry::isDataset).toList();
      int inRow = 1;
      for (int i = datasets.size() - 1; i >= 0 && datasets.get(i).drifted(); i--) {
        inRow++;
      }
      return "waiting: " + inRow + " of " + onDrift.consecutiveRuns() + " drifted runs in a row";
    }
    List<String> done = new ArrayList<>();
    if (onDrift.triggerPipeline() != null) {
      Map<String, Object> conf = new LinkedHashMap<>();
      conf.put("dedupe_key", "drift__" + run.pipeline() + "__" + run.step() + "__" + run.runDate());
      conf.put("source_pipeline", run.pipeline());
      conf.put("run_id", run.runId());
      conf.put("run_date", run.runDate().toString());
      conf.put("model", run.modelName() == null ? "" : run.model());
      conf.put("drifted_columns", drift.columns().stream().filter(ColumnDrift::drifted).map(ColumnDrift::column).toList());
      conf.put("drifted_share", drift.driftedShare());
      // typed as the triggered DAG's Params are, so that Airflow accepts them
      onDrift.params().forEach((name, value) -> conf.put(name, ParamTypes.value(value)));
      done.add(trigger.trigger(onDrift.triggerPipeline(), conf));
    }
    if (onDrift.failRun()) {
      done.add("failed the run (fail-run)");
    }
    return String.join("; ", done);
  }

  private static String summary(DriftStepPlan step, String model, DatasetDrift drift, long version) {
    List<String> drifted = drift.columns().stream().filter(ColumnDrift::drifted).map(ColumnDrift::column).toList();
    return String.format(Locale.ROOT, "%s: %s, %d of %d columns drifted (share %.2f, dataset drift at %.2f)%s;"
        + " history %s@v%d", model.equals(DriftHistory.NO_MODEL) ? "data drift of step " + step.name()
        : "drift of " + model, drift.drifted() ? "DATASET DRIFT" : "no dataset drift", drifted.size(),
        drift.columns().size(), drift.driftedShare(), drift.driftShareThreshold(),
        drifted.isEmpty() ? "" : ": " + String.join(", ", drifted), step.output().name(), version);
  }

  /** {@code schema.table} for a location under the lakehouse root, else the location. */
  private String tableName(String location) {
    String prefix = lakehouseRoot + "/";
    return location.startsWith(prefix) ? location.substring(prefix.length()).replace('/', '.') : location;
  }
}
