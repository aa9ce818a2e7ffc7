package dev.lakemill.plan;

import dev.lakemill.spec.WriteMode;
import java.util.List;

/**
 * A lakehouse table that a step writes.
 *
 * @param name {@code schema.table}
 * @param location {@code <lakehouse root>/schema/table}
 * @param mode write mode
 * @param mergeKeys merge keys (merge mode only)
 * @param partitionBy partition columns
 */
public record TablePlan(String name, String location, WriteMode mode, List<String> mergeKeys, List<String> partitionBy) {
  public TablePlan {
    mergeKeys = List.copyOf(mergeKeys);
    partitionBy = List.copyOf(partitionBy);
  }

  /** The table that receives rows dropped by expectations: {@code <name>_quarantine}, next to it. */
  public TablePlan quarantine() {
    return new TablePlan(name + "_quarantine", location + "_quarantine", WriteMode.APPEND, List.of(), List.of());
  }
}
