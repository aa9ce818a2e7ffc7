package dev.lakemill.drift;

import java.util.List;

/**
 * The drift of all compared columns and the dataset verdict: drift when the share of drifted columns
 * is at least {@code driftShareThreshold}.
 */
public record DatasetDrift(List<ColumnDrift> columns, double driftShareThreshold) {
  public DatasetDrift {
    columns = List.copyOf(columns);
  }

  public long driftedColumns() {
    return columns.stream().filter(ColumnDrift::drifted).count();
  }

  public double driftedShare() {
    return columns.isEmpty() ? 0.0 : (double) driftedColumns() / columns.size();
  }

  public boolean drifted() {
    return !columns.isEmpty() && driftedShare() >= driftShareThreshold;
  }
}
