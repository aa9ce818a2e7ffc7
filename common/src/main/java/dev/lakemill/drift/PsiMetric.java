package dev.lakemill.drift;

/**
 * Population stability index over the histogram's bins, as Evidently: sum of (r - c) ln(r / c) over the
 * bin shares, where each side's zero shares are replaced by its smallest non-zero share / 1e6 when that is
 * at most 1e-4, and by 1e-4 otherwise.
 */
public final class PsiMetric implements DriftMetric {
  static final PsiMetric INSTANCE = new PsiMetric();

  private PsiMetric() {}

  @Override
  public DriftMethod method() {
    return DriftMethod.PSI;
  }

  @Override
  public MetricValue compute(ColumnSummary column) {
    Histogram h = column.histogram();
    return MetricValue.distance(psi(h.reference(), h.current()));
  }

  public static double psi(long[] reference, long[] current) {
    if (DriftMetric.total(reference) == 0 || DriftMetric.total(current) == 0) {
      return Double.NaN;
    }
    double[] r = fillZeros(DriftMetric.shares(reference));
    double[] c = fillZeros(DriftMetric.shares(current));
    double psi = 0;
    for (int i = 0; i < r.length; i++) {
      psi += (r[i] - c[i]) * Math.log(r[i] / c[i]);
    }
    return psi;
  }

  /** Evidently's zero fill: a copy with zero shares replaced (see the class comment). */
  public static double[] fillZeros(double[] shares) {
    double smallest = Double.POSITIVE_INFINITY;
    for (double s : shares) {
      if (s != 0 && s < smallest) {
        smallest = s;
      }
    }
    double fill = smallest <= 1e-4 ? smallest / 1e6 : 1e-4;
    double[] filled = shares.clone();
    for (int i = 0; i < filled.length; i++) {
      if (filled[i] == 0) {
        filled[i] = fill;
      }
    }
    return filled;
  }
}
