package dev.lakemill.drift;

import org.apache.commons.math3.special.Erf;

/**
 * Pooled two-proportion z-test, as Evidently: the proportion of values outside the first bin that holds a
 * value (for a two-valued column: the share of the larger value in sort order, e.g. {@code true} or 1),
 * compared between the samples; two-sided p = erfc(|z| / sqrt 2). When both samples hold one and the same
 * value, z = 0 and p = 1.
 */
public final class ZMetric implements DriftMetric {
  static final ZMetric INSTANCE = new ZMetric();

  private ZMetric() {}

  @Override
  public DriftMethod method() {
    return DriftMethod.Z;
  }

  @Override
  public MetricValue compute(ColumnSummary column) {
    Histogram h = column.histogram();
    return test(h.reference(), h.current());
  }

  public static MetricValue test(long[] reference, long[] current) {
    long n1 = DriftMetric.total(reference);
    long n2 = DriftMetric.total(current);
    if (n1 == 0 || n2 == 0) {
      return MetricValue.UNDEFINED;
    }
    int first = 0;
    while (reference[first] + current[first] == 0) {
      first++;
    }
    if (reference[first] == n1 && current[first] == n2) {
      return MetricValue.test(0.0, 1.0);
    }
    double p1 = (double) (n1 - reference[first]) / n1;
    double p2 = (double) (n2 - current[first]) / n2;
    double pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
    double z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
    return MetricValue.test(z, Erf.erfc(Math.abs(z) / Math.sqrt(2)));
  }
}
