package dev.lakemill.drift;

/**
 * The drift of one column between the reference and the current data.
 *
 * @param value the method's statistic or distance (KS D, normed Wasserstein, PSI, JS distance, chi-square, z)
 * @param pValue the p-value of a statistical test; NaN for distances
 * @param errorBound 0 when computed exactly; otherwise the largest possible error of {@code value}
 *     (KS and Wasserstein above {@code exact-max-rows}, from histograms or sketches)
 * @param referenceRows rows of the reference, nulls included; likewise {@code currentRows}
 * @param histogram both samples bucketed the same way (for bin-based methods and the report)
 */
public record ColumnDrift(
    String column,
    ColumnKind kind,
    DriftMethod method,
    double value,
    double pValue,
    double threshold,
    boolean drifted,
    double errorBound,
    long referenceRows,
    long currentRows,
    long referenceNulls,
    long currentNulls,
    Histogram histogram) {

  public double referenceNullRate() {
    return referenceRows == 0 ? 0.0 : (double) referenceNulls / referenceRows;
  }

  public double currentNullRate() {
    return currentRows == 0 ? 0.0 : (double) currentNulls / currentRows;
  }
}
