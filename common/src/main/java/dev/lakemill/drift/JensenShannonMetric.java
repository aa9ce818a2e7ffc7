package dev.lakemill.drift;

/**
 * Jensen-Shannon distance over the histogram's bins, as {@code scipy.spatial.distance.jensenshannon} with
 * the natural log: sqrt((KL(r || m) + KL(c || m)) / 2) with m = (r + c) / 2, no zero fill.
 */
public final class JensenShannonMetric implements DriftMetric {
  static final JensenShannonMetric INSTANCE = new JensenShannonMetric();

  private JensenShannonMetric() {}

  @Override
  public DriftMethod method() {
    return DriftMethod.JENSENSHANNON;
  }

  @Override
  public MetricValue compute(ColumnSummary column) {
    Histogram h = column.histogram();
    return MetricValue.distance(distance(h.reference(), h.current()));
  }

  public static double distance(long[] reference, long[] current) {
    if (DriftMetric.total(reference) == 0 || DriftMetric.total(current) == 0) {
      return Double.NaN;
    }
    double[] p = DriftMetric.shares(reference);
    double[] q = DriftMetric.shares(current);
    double left = 0;
    double right = 0;
    for (int i = 0; i < p.length; i++) {
      double m = (p[i] + q[i]) / 2.0;
      left += relativeEntropy(p[i], m);
      right += relativeEntropy(q[i], m);
    }
    return Math.sqrt((left + right) / 2);
  }

  private static double relativeEntropy(double x, double y) {
    return x == 0 ? 0.0 : x * Math.log(x / y);
  }
}
