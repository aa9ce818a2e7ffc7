package dev.lakemill.drift;

/**
 * Normed Wasserstein distance, as Evidently: {@code scipy.stats.wasserstein_distance(ref, cur)} (W1, the
 * area between the two empirical CDFs) divided by max(population std of the reference, 0.001).
 *
 * <p>On binned cells the area between two cells is exact (both CDFs are flat there) and the area inside a
 * cell lies between bounds set by the CDF values at its ends; the value is the midpoint of the bounds on
 * W1 and the error bound half their width, both divided by the same std.
 */
public final class WassersteinMetric implements DriftMetric {
  static final WassersteinMetric INSTANCE = new WassersteinMetric();
  /** The smallest std the distance is divided by. */
  public static final double MIN_NORM = 0.001;

  private WassersteinMetric() {}

  @Override
  public DriftMethod method() {
    return DriftMethod.WASSERSTEIN;
  }

  @Override
  public MetricValue compute(ColumnSummary column) {
    return normed(column.requireSamples(DriftMethod.WASSERSTEIN), column.referenceStd());
  }

  public static MetricValue normed(SampleSummary s, double referenceStd) {
    long n1 = s.referenceCount();
    long n2 = s.currentCount();
    if (n1 == 0 || n2 == 0) {
      return MetricValue.UNDEFINED;
    }
    NeumaierSum exact = new NeumaierSum();
    NeumaierSum lower = new NeumaierSum();
    NeumaierSum upper = new NeumaierSum();
    long r = 0;
    long c = 0;
    for (int i = 0; i < s.cells(); i++) {
      double beforeR = (double) r / n1;
      double beforeC = (double) c / n2;
      r += s.reference(i);
      c += s.current(i);
      double afterR = (double) r / n1;
      double afterC = (double) c / n2;
      double width = s.high(i) - s.low(i);
      if (width > 0) {
        double lo = beforeR - afterC;
        double hi = afterR - beforeC;
        upper.add(Math.max(Math.abs(lo), Math.abs(hi)) * width);
        lower.add((lo > 0 ? lo : (hi < 0 ? -hi : 0.0)) * width);
      }
      if (i + 1 < s.cells()) {
        exact.add(Math.abs(afterR - afterC) * (s.low(i + 1) - s.high(i)));
      }
    }
    double norm = Math.max(referenceStd, MIN_NORM);
    double low = exact.value() + lower.value();
    double high = exact.value() + upper.value();
    return new MetricValue((low + high) / 2 / norm, Double.NaN, (high - low) / 2 / norm);
  }

  /** Compensated summation, so long sums of small areas keep their precision. */
  static final class NeumaierSum {
    private double sum;
    private double compensation;

    void add(double x) {
      double t = sum + x;
      if (Math.abs(sum) >= Math.abs(x)) {
        compensation += (sum - t) + x;
      } else {
        compensation += (x - t) + sum;
      }
      sum = t;
    }

    double value() {
      return sum + compensation;
    }
  }
}
