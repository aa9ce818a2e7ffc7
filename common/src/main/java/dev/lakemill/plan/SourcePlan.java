package dev.lakemill.plan;

import dev.lakemill.spec.OnBadRecords;
import dev.lakemill.spec.SourceFormat;
import java.util.Map;

/**
 * A source with its location resolved.
 *
 * @param name name SQL uses
 * @param format format
 * @param location absolute path or URI (file and delta sources); null for generate
 * @param schema DDL schema or null
 * @param options reader options
 * @param versionAsOf delta time travel version or null
 * @param timestampAsOf delta time travel timestamp or null
 * @param generator generator name (generate only)
 * @param generatorOptions generator options (generate only)
 * @param onBadRecords file sources: what happens to records that do not match the schema
 * @param badRecordsTable with {@code quarantine}: the bad-records table as messages name it, the
 *     declared {@code schema.table} or the default location; null otherwise
 * @param badRecordsLocation with {@code quarantine}: the bad-records table's Delta folder; null otherwise
 * @param allowEmpty file sources: a source without records is not an error
 * @param configHash hash of the source's declaration (part of downstream fingerprints)
 */
public record SourcePlan(
    String name,
    SourceFormat format,
    String location,
    String schema,
    Map<String, String> options,
    Long versionAsOf,
    String timestampAsOf,
    String generator,
    Map<String, Object> generatorOptions,
    OnBadRecords onBadRecords,
    String badRecordsTable,
    String badRecordsLocation,
    boolean allowEmpty,
    String configHash) {
  public SourcePlan {
    options = Map.copyOf(options);
    generatorOptions = Map.copyOf(generatorOptions);
  }
}
