package dev.lakemill.drift;

import java.time.LocalDate;

/**
 * One row of a drift history table, as the report's trends and {@code lakemill drift history} read it.
 *
 * @param runDate the run date the row belongs to
 * @param level {@code dataset} (the verdict: value is the drifted share, threshold the
 *     {@code dataset-drift-share}) or {@code column}
 * @param column the column, {@code *} for the dataset row
 * @param method the method's name ({@code psi}, {@code ks}, ...; {@code share} for the dataset row)
 * @param value the statistic, distance or share
 * @param pValue the p-value of a test, NaN otherwise
 * @param threshold the threshold applied
 * @param drifted the verdict
 * @param model the model compared, {@code name@vN}, or {@code -} for a step without one
 * @param action what on-drift did (dataset rows), empty otherwise
 */
public record HistoryEntry(LocalDate runDate, String level, String column, String method, double value, double pValue,
    double threshold, boolean drifted, String model, String action) {
  /** {@code level} of the row that carries the dataset verdict. */
  public static final String DATASET = "dataset";

  /** {@code level} of a per-column row. */
  public static final String COLUMN = "column";

  /** {@code column} of the dataset row. */
  public static final String ALL_COLUMNS = "*";

  /** {@code method} of the dataset row. */
  public static final String SHARE = "share";

  public HistoryEntry {
    action = action == null ? "" : action;
  }

  public boolean isDataset() {
    return DATASET.equals(level);
  }
}
