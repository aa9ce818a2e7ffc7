package dev.lakemill.config;

import java.util.List;
import java.util.Map;

/**
 * Every key of the pipeline language, by block. Keys are kebab-case; anything not listed here is
 * rejected with a did-you-mean, except inside {@code params} and a source's {@code options}, which are
 * free-form.
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  /** Top-level blocks: {@code pipeline} (required), {@code params}, {@code sources}, {@code steps}. */
  public static final List<String> TOP = List.of("pipeline", "params", "sources", "steps");

  /**
   * {@code pipeline { name, description, owner, schedule, tags }}: only {@code name} is required; it
   * names the pipeline in the ledger and in Spark job groups.
   */
  public static final List<String> PIPELINE =
      List.of("name", "description", "owner", "schedule", "tags");

  /** {@code format}: required for every source; one of the {@code SourceFormat} keys. */
  public static final String FORMAT = "format";

  /** Keys of a {@code format = delta} source: a lakehouse {@code table} or a {@code path}. */
  public static final List<String> DELTA_SOURCE =
      List.of("format", "table", "path", "version-as-of", "timestamp-as-of");

  /** Keys of a file source ({@code parquet}, {@code csv}, {@code json}, {@code orc}). */
  public static final List<String> FILE_SOURCE = List.of("format", "path", "schema", "options");

  /** Generators of {@code format = generate} and the keys each accepts besides {@code format}. */
  public static final Map<String, List<String>> GENERATORS =
      Map.of("churn-customers", List.of("format", "generator", "rows", "seed", "drift"));

  /** Step types. Later issues add features, train, validate, score and drift. */
  public static final List<String> STEP_TYPES = List.of("sql");

  /** Keys of a {@code type = sql} step. */
  public static final List<String> SQL_STEP =
      List.of("type", "description", "sql", "inputs", "expectations", "output");

  /** Keys of an {@code output { ... }} block; {@code table} is required. */
  public static final List<String> OUTPUT = List.of("table", "mode", "merge-keys", "partition-by");

  /** Keys of one expectation: exactly one of check, unique, not-null, plus on-violation. */
  public static final List<String> EXPECTATION = List.of("check", "unique", "not-null", "on-violation");

  /** The substitution lakemill performs inside SQL text (HOCON leaves quoted strings alone). */
  public static final String PARAMS_PREFIX = "params.";
}
