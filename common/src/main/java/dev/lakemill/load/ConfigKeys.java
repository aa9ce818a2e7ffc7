package dev.lakemill.load;

import java.util.List;
import java.util.Map;

/**
 * Every key of the pipeline language, by block. Keys are kebab-case; anything not listed here is
 * rejected with a did-you-mean, except inside {@code params} and a source's {@code options}, which are
 * free-form.
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  /**
   * Whether {@code key} is a name lakemill accepts for a param, a step, a source or a pipeline: a letter,
   * then letters, digits, {@code -} and {@code _} (e.g. {@code run-date}). Airflow trigger confs use the
   * same rule for the params they set.
   */
  public static boolean isName(String key) {
    return SpecBinder.NAME.matcher(key).matches();
  }

  /** Top-level blocks: {@code pipeline} (required), {@code params}, {@code sources}, {@code steps}. */
  public static final List<String> TOP = List.of("pipeline", "params", "sources", "steps");

  /**
   * {@code pipeline { name, description, owner, schedule, tags }}: only {@code name} is required; it
   * names the pipeline in the ledger and in Spark job groups.
   */
  public static final List<String> PIPELINE =
      List.of("name", "description", "owner", "schedule", "tags");

  /**
   * {@code pipeline { schedule { on-update = [...] } }}: instead of a cron expression, the lakehouse
   * tables ({@code schema.table}) and model aliases ({@code model@alias}) whose update (a Delta write
   * by a generated DAG's task, an alias moved by a validate step) starts the pipeline's DAG in
   * Airflow. Any one update starts a run.
   */
  public static final String ON_UPDATE = "on-update";

  /** The keys of {@code pipeline.schedule} as an object. */
  public static final List<String> SCHEDULE = List.of(ON_UPDATE);

  /** {@code format}: required for every source; one of the {@code SourceFormat} keys. */
  public static final String FORMAT = "format";

  /** Keys of a {@code format = delta} source: a lakehouse {@code table} or a {@code path}. */
  public static final List<String> DELTA_SOURCE =
      List.of("format", "table", "path", "version-as-of", "timestamp-as-of");

  /** Keys of a file source ({@code parquet}, {@code csv}, {@code json}, {@code orc}). */
  public static final List<String> FILE_SOURCE = List.of("format", "path", "schema", "options",
      "on-bad-records", "bad-records-table", "allow-empty");

  /**
   * {@code on-bad-records = fail | quarantine} of a file source. {@code fail} (default): a csv or json
   * record that does not match the schema fails the step that reads the source, before it writes
   * anything, naming the file, line and record. {@code quarantine} (csv and json only): bad records go
   * to the source's bad-records table and the good ones flow on.
   */
  public static final String ON_BAD_RECORDS = "on-bad-records";

  /**
   * {@code bad-records-table = schema.table} of a file source with {@code on-bad-records = quarantine}:
   * the lakehouse table for its bad records, which several sources and pipelines may share. Default:
   * {@code <lakehouse root>/_lakemill/bad_records/<pipeline>/<source>}.
   */
  public static final String BAD_RECORDS_TABLE = "bad-records-table";

  /**
   * {@code allow-empty = true} lets a file source have no records (an empty file, a csv file with
   * only a header, an empty folder). Default false: such a source fails the step that reads it.
   */
  public static final String ALLOW_EMPTY = "allow-empty";

  /**
   * Reader options lakemill sets itself on csv and json sources (Spark's parse mode and its corrupt
   * record column), so a source may not set them; compared case-insensitively, as Spark does.
   */
  public static final List<String> RESERVED_READER_OPTIONS = List.of("mode", "columnNameOfCorruptRecord");

  /** Generators of {@code format = generate} and the keys each accepts besides {@code format}. */
  public static final Map<String, List<String>> GENERATORS =
      Map.of("churn-customers", List.of("format", "generator", "rows", "seed", "drift"));

  /** Step types. */
  public static final List<String> STEP_TYPES = List.of("sql", "features", "train", "validate", "score", "drift");

  /** Keys of a {@code type = sql} step. */
  public static final List<String> SQL_STEP =
      List.of("type", "description", "sql", "inputs", "expectations", "output");

  /** Keys of a {@code type = features} step; {@code input} and {@code stages} are required. */
  public static final List<String> FEATURES_STEP = List.of("type", "description", "input", "stages", "output");

  /** Keys of one MLlib stage or estimator: {@code type} (an MLlib class) and {@code params}. */
  public static final List<String> ML_STAGE = List.of("type", "params");

  /** Keys of a {@code type = train} step. */
  public static final List<String> TRAIN_STEP =
      List.of("type", "description", "input", "label", "split", "estimator", "tuning", "register-as");

  /** Keys of {@code split}: {@code test-fraction} and {@code seed}, or {@code by} and {@code test-from}. */
  public static final List<String> SPLIT = List.of("test-fraction", "seed", "by", "test-from");

  /** Keys of {@code tuning}. */
  public static final List<String> TUNING = List.of("method", "folds", "train-ratio", "metric", "parallelism", "grid");

  /** Keys of a {@code type = validate} step. */
  public static final List<String> VALIDATE_STEP = List.of("type", "description", "model", "metrics", "gates", "promote-to");

  /** Keys of one gate: {@code metric} and exactly one threshold key. */
  public static final List<String> GATE =
      List.of("metric", "at-least", "at-most", "at-least-champion-minus", "at-most-champion-plus");

  /** Keys of a {@code type = score} step; all but description are required. */
  public static final List<String> SCORE_STEP = List.of("type", "description", "model", "input", "output");

  /**
   * Keys of a {@code type = drift} step. Required: {@code current} (a source or step, or
   * {@code schema.table[@vN]}), {@code output} (the history table), and {@code model} ({@code name@alias}
   * or {@code name@vN}) or {@code reference}. Optional: {@code model} (without it only data drift is
   * computed), {@code reference} (a source or step, or {@code schema.table@vN}; default the model's exact
   * training rows, required without a model), {@code columns} (default the model's raw input columns and
   * its prediction column; without a model the numeric, string and boolean columns both sides share,
   * ids left out), {@code dataset-drift-share} (default 0.5, in (0, 1]), {@code methods}
   * ({@code column = psi|ks|wasserstein|jensenshannon|chisquare|z}), {@code thresholds}
   * ({@code <method or column> = value}: a p-value in (0, 1) for tests, a positive distance otherwise),
   * {@code exact-max-rows} (default 100000), {@code report} (an HTML file path; {@code ${params.x}}
   * is replaced inside it) and {@code on-drift}.
   */
  public static final List<String> DRIFT_STEP = List.of("type", "description", "model", "current", "reference",
      "columns", "dataset-drift-share", "methods", "thresholds", "exact-max-rows", "output", "report", "on-drift");

  /**
   * Keys of a drift step's {@code on-drift}: {@code consecutive-runs} (default 1: act only when this
   * run and the previous N-1 run dates all drifted), {@code trigger-pipeline} (a pipeline name whose
   * Airflow DAG is triggered), {@code params} (strings the trigger sends in the DAG run's conf, one per
   * param of the triggered pipeline, e.g. {@code params { train-to = "${params.run-date}" }}; only with
   * {@code trigger-pipeline}), {@code fail-run} (default false: true fails the step after the history
   * and the report are written).
   */
  public static final List<String> ON_DRIFT = List.of("consecutive-runs", "trigger-pipeline", "params", "fail-run");

  /** Keys of an {@code output { ... }} block; {@code table} is required. */
  public static final List<String> OUTPUT = List.of("table", "mode", "merge-keys", "partition-by");

  /** Keys of one expectation: exactly one of check, unique, not-null, plus on-violation. */
  public static final List<String> EXPECTATION = List.of("check", "unique", "not-null", "on-violation");

  /** The substitution lakemill performs inside SQL text (HOCON leaves quoted strings alone). */
  public static final String PARAMS_PREFIX = "params.";
}
