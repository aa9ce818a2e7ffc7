package dev.lakemill.spec;

import java.util.Map;

/**
 * One entry of {@code sources { <name> { ... } }}: data that the pipeline reads but does not produce.
 *
 * @param name the name SQL steps use to reference this source
 * @param format one of {@link SourceFormat}
 * @param path file or folder for {@code parquet}, {@code csv}, {@code json}, {@code orc} and
 *     {@code delta} (relative paths resolve against the pipeline file's folder); null otherwise
 * @param table delta only: the lakehouse table {@code schema.table}, instead of a path; else null
 * @param schema optional Spark DDL schema string, e.g. {@code "plan STRING, fee DOUBLE"}; null if absent
 * @param options reader options passed unchanged to Spark's {@code DataFrameReader.option}
 * @param versionAsOf delta only: read this table version (time travel); null for the latest
 * @param timestampAsOf delta only: read the version current at this timestamp; null for the latest
 * @param generator generate only: the generator name, e.g. {@code churn-customers}
 * @param generatorOptions generate only: {@code rows}, {@code seed}, {@code drift}, ... as declared
 * @param onBadRecords file sources only: {@code on-bad-records} as declared, null if absent (then
 *     {@link OnBadRecords#FAIL})
 * @param badRecordsTable file sources only: {@code bad-records-table = schema.table}, where
 *     {@code quarantine} puts bad records; null for the default, a table per source under the ledger
 * @param allowEmpty file sources only: {@code allow-empty} as declared, null if absent (then false: a
 *     source without records fails the step that reads it)
 * @param at where the source was declared
 */
public record SourceSpec(
    String name,
    SourceFormat format,
    String path,
    String table,
    String schema,
    Map<String, String> options,
    Long versionAsOf,
    String timestampAsOf,
    String generator,
    Map<String, Object> generatorOptions,
    OnBadRecords onBadRecords,
    String badRecordsTable,
    Boolean allowEmpty,
    SourceLocation at) {
  public SourceSpec {
    options = options == null ? Map.of() : Map.copyOf(options);
    generatorOptions = generatorOptions == null ? Map.of() : Map.copyOf(generatorOptions);
  }
}
