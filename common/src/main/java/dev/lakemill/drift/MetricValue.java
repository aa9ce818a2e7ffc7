package dev.lakemill.drift;

/**
 * What a drift metric gives for one column.
 *
 * @param value the statistic or distance (NaN when a sample has no values)
 * @param pValue the p-value of a statistical test; NaN for distances
 * @param errorBound 0 when exact; otherwise the largest possible distance between {@code value} and the
 *     exact value (KS and Wasserstein from binned cells)
 */
public record MetricValue(double value, double pValue, double errorBound) {
  public static final MetricValue UNDEFINED = new MetricValue(Double.NaN, Double.NaN, 0.0);

  public static MetricValue distance(double value) {
    return new MetricValue(value, Double.NaN, 0.0);
  }

  public static MetricValue test(double statistic, double pValue) {
    return new MetricValue(statistic, pValue, 0.0);
  }
}
