package dev.lakemill.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code type = drift} step: compares the distribution of a model's input columns (and of its
 * predictions), or without a model the columns both sides share, in {@code current} rows with a reference, appends one row per column and method to a
 * history table, writes an HTML report and, on drift, acts.
 *
 * @param name step name
 * @param model the model whose inputs are compared, {@code name@alias} or {@code name@vN}, as written; null
 *     for data drift without a model (then {@code reference} is required)
 * @param current the rows judged: a source or step of this pipeline, or a lakehouse table
 *     {@code schema.table} (latest version) or {@code schema.table@vN}
 * @param reference the baseline: a source or step, or {@code schema.table@vN}; null for the default,
 *     the exact rows the model was trained on (its training input at the recorded Delta version, minus
 *     its holdout); required without a model
 * @param columns the columns compared; empty for the default: the model's raw input columns (plus its
 *     prediction when both sides have one), or without a model the numeric, string and boolean columns
 *     both sides share except ids
 * @param datasetDriftShare the dataset drifts when at least this share of the columns drift; default 0.5
 * @param methods method name per column ({@code psi}, {@code ks}, ...), as written; absent columns get
 *     the default method for their type and size
 * @param thresholds threshold per method name or column name (a column wins over its method)
 * @param exactMaxRows rows per side up to which KS and Wasserstein are exact; default 100000
 * @param output the history table, {@code schema.table}; each run replaces its own (pipeline, step, run date)
 *     rows, so drift steps may share one
 * @param report where the HTML report goes (relative to the working directory, or a URI), params
 *     substituted; null for no report
 * @param onDrift what to do when the dataset drifts
 * @param at where the step was declared
 */
public record DriftStepSpec(
    String name,
    String model,
    String current,
    String reference,
    List<String> columns,
    double datasetDriftShare,
    Map<String, String> methods,
    Map<String, Double> thresholds,
    long exactMaxRows,
    OutputSpec output,
    String report,
    OnDrift onDrift,
    SourceLocation at)
    implements StepSpec {
  /** Default of {@code dataset-drift-share}. */
  public static final double DEFAULT_DATASET_DRIFT_SHARE = 0.5;

  /** Default of {@code exact-max-rows}. */
  public static final long DEFAULT_EXACT_MAX_ROWS = 100_000;

  public DriftStepSpec {
    columns = columns == null ? List.of() : List.copyOf(columns);
    methods = methods == null ? Map.of() : Map.copyOf(methods);
    thresholds = thresholds == null ? Map.of() : Map.copyOf(thresholds);
    onDrift = onDrift == null ? OnDrift.NONE : onDrift;
  }

  /** The sources or steps read: {@code current} and {@code reference} unless they name tables. */
  @Override
  public List<String> inputs() {
    List<String> out = new ArrayList<>();
    for (String ref : new String[] {current, reference}) {
      if (ref != null && !isTable(ref) && !out.contains(ref)) {
        out.add(ref);
      }
    }
    return out;
  }

  /** The key that names {@code input}: {@code current} or {@code reference}. */
  public String keyOf(String input) {
    return input.equals(current) ? "current" : "reference";
  }

  /** True when {@code ref} names a lakehouse table ({@code schema.table[@vN]}) rather than a step or source. */
  public static boolean isTable(String ref) {
    return ref.contains(".");
  }

  /**
   * {@code on-drift { consecutive-runs, trigger-pipeline, params, fail-run }}: acts only when this run and
   * the {@code consecutiveRuns - 1} previous run dates of the history table all drifted.
   *
   * @param consecutiveRuns drifted runs in a row needed to act; default 1
   * @param triggerPipeline the pipeline to trigger (its Airflow DAG), or null
   * @param params params of the triggered pipeline, sent as strings in its DAG run's conf next to
   *     {@link #TRIGGER_CONF_KEYS}, with {@code ${params.x}} of this pipeline already replaced; empty when none
   * @param failRun whether the step then fails, after the history and the report are written
   * @param at where the block was declared, or the step's location when absent
   */
  public record OnDrift(int consecutiveRuns, String triggerPipeline, Map<String, String> params, boolean failRun,
      SourceLocation at) {
    /** No block: nothing happens beyond the history and the report. */
    public static final OnDrift NONE = new OnDrift(1, null, Map.of(), false, null);

    /** The keys every trigger's conf has, which {@code params} cannot use. */
    public static final List<String> TRIGGER_CONF_KEYS = List.of("dedupe_key", "source_pipeline", "run_id", "run_date",
        "model", "drifted_columns", "drifted_share");

    public OnDrift {
      if (consecutiveRuns < 1) {
        throw new IllegalArgumentException("consecutive-runs must be >= 1, got " + consecutiveRuns);
      }
      params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** True when drift leads to an action (a trigger or a failed run). */
    public boolean acts() {
      return triggerPipeline != null || failRun;
    }
  }
}
