package dev.lakemill.spec;

import java.util.List;

/**
 * A step's {@code output}: either {@code output = schema.table} or {@code output { table = ..., ... }}.
 *
 * @param table lakehouse table {@code schema.table}: the Delta table at
 *     {@code <lakehouse root>/schema/table}. Parts use {@code [a-z0-9_]} and start with a letter or
 *     digit
 * @param mode how the result replaces or joins the table's data; default {@link WriteMode#OVERWRITE}
 * @param mergeKeys for {@link WriteMode#MERGE}: columns that identify a row (required there)
 * @param partitionBy partition columns of the table; required for
 *     {@link WriteMode#REPLACE_PARTITIONS}
 * @param at where the output was declared
 */
public record OutputSpec(
    String table, WriteMode mode, List<String> mergeKeys, List<String> partitionBy, SourceLocation at) {
  public OutputSpec {
    mode = mode == null ? WriteMode.OVERWRITE : mode;
    mergeKeys = mergeKeys == null ? List.of() : List.copyOf(mergeKeys);
    partitionBy = partitionBy == null ? List.of() : List.copyOf(partitionBy);
  }
}
