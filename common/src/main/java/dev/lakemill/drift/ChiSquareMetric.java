package dev.lakemill.drift;

import org.apache.commons.math3.special.Gamma;

/**
 * Chi-square goodness of fit of the current counts against the reference shares scaled to the current
 * size, as Evidently ({@code scipy.stats.chisquare(cur, ref_share * n_cur)}), over the bins that hold a
 * value in either sample; the p-value has (bins - 1) degrees of freedom. A category the reference never
 * saw gives an infinite statistic and p = 0; a single bin gives p = NaN (no verdict), as scipy does.
 */
public final class ChiSquareMetric implements DriftMetric {
  static final ChiSquareMetric INSTANCE = new ChiSquareMetric();

  private ChiSquareMetric() {}

  @Override
  public DriftMethod method() {
    return DriftMethod.CHISQUARE;
  }

  @Override
  public MetricValue compute(ColumnSummary column) {
    Histogram h = column.histogram();
    return test(h.reference(), h.current());
  }

  public static MetricValue test(long[] reference, long[] current) {
    long nRef = DriftMetric.total(reference);
    long nCur = DriftMetric.total(current);
    if (nRef == 0 || nCur == 0) {
      return MetricValue.UNDEFINED;
    }
    double statistic = 0;
    int bins = 0;
    for (int i = 0; i < reference.length; i++) {
      if (reference[i] + current[i] == 0) {
        continue;
      }
      bins++;
      double expected = (double) reference[i] / nRef * nCur;
      double diff = current[i] - expected;
      statistic += diff * diff / expected;
    }
    return MetricValue.test(statistic, survival(statistic, bins - 1));
  }

  /** P(X >= x) for X chi-square distributed with dof degrees of freedom ({@code chi2.sf}). */
  public static double survival(double x, int dof) {
    if (dof <= 0 || Double.isNaN(x)) {
      return Double.NaN;
    }
    if (x == Double.POSITIVE_INFINITY) {
      return 0.0;
    }
    return x <= 0 ? 1.0 : Gamma.regularizedGammaQ(dof / 2.0, x / 2.0);
  }
}
