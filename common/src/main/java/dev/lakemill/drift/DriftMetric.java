package dev.lakemill.drift;

/**
 * One drift method's computation on the summary of a column. KS and Wasserstein read the numeric cells
 * ({@link SampleSummary}); PSI, Jensen-Shannon, chi-square and z read the histogram. Implementations are
 * stateless; {@link #of} gives the one for a method.
 */
public interface DriftMetric {
  DriftMethod method();

  MetricValue compute(ColumnSummary column);

  static DriftMetric of(DriftMethod method) {
    switch (method) {
      case KS:
        return KsMetric.INSTANCE;
      case WASSERSTEIN:
        return WassersteinMetric.INSTANCE;
      case PSI:
        return PsiMetric.INSTANCE;
      case JENSENSHANNON:
        return JensenShannonMetric.INSTANCE;
      case CHISQUARE:
        return ChiSquareMetric.INSTANCE;
      case Z:
        return ZMetric.INSTANCE;
      default:
        throw new IllegalArgumentException("No metric for " + method);
    }
  }

  /** Bin shares of a count vector (NaN shares when it is empty). */
  static double[] shares(long[] counts) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    double[] shares = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      shares[i] = (double) counts[i] / total;
    }
    return shares;
  }

  static long total(long[] counts) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    return total;
  }
}
