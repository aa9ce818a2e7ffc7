package dev.lakemill.drift;

/**
 * Two-sample Kolmogorov-Smirnov test, as {@code scipy.stats.ks_2samp(ref, cur)} with its default
 * {@code method='auto'}: D = sup |F_ref - F_cur|; the two-sided p-value is exact (lattice path counting)
 * when both samples have at most 10,000 values and asymptotic otherwise, that is
 * {@code kstwo.sf(D, round(n1 n2 / (n1 + n2)))}, scipy's {@code method='asymp'}.
 *
 * <p>On binned cells D is only known within bounds: the value is their midpoint and the error bound half
 * their width. The p-value is then computed from that midpoint.
 */
public final class KsMetric implements DriftMetric {
  static final KsMetric INSTANCE = new KsMetric();
  /** Above this many values in either sample scipy's 'auto' uses the asymptotic distribution. */
  public static final long MAX_EXACT_N = 10_000;

  private KsMetric() {}

  @Override
  public DriftMethod method() {
    return DriftMethod.KS;
  }

  @Override
  public MetricValue compute(ColumnSummary column) {
    return test(column.requireSamples(DriftMethod.KS));
  }

  /** D (or its midpoint estimate), the 'auto' p-value and the error bound of D. */
  public static MetricValue test(SampleSummary s) {
    long n1 = s.referenceCount();
    long n2 = s.currentCount();
    if (n1 == 0 || n2 == 0) {
      return MetricValue.UNDEFINED;
    }
    double lower = 0;
    double upper = 0;
    long r = 0;
    long c = 0;
    for (int i = 0; i < s.cells(); i++) {
      double beforeR = (double) r / n1;
      double beforeC = (double) c / n2;
      r += s.reference(i);
      c += s.current(i);
      double afterR = (double) r / n1;
      double afterC = (double) c / n2;
      lower = Math.max(lower, Math.abs(afterR - afterC));
      if (s.low(i) != s.high(i)) {
        upper = Math.max(upper, Math.max(Math.abs(afterR - beforeC), Math.abs(afterC - beforeR)));
      }
    }
    upper = Math.max(upper, lower);
    double d = (lower + upper) / 2;
    double[] dp = statisticAndPValue(d, n1, n2);
    // An estimate keeps its midpoint: the lattice rounding of the exact p-value would move it off the bounds.
    return new MetricValue(lower == upper ? dp[0] : d, dp[1], (upper - lower) / 2);
  }

  /**
   * scipy's 'auto' p-value for a statistic d of samples of n1 and n2 values; returns {statistic, p}, the
   * statistic rounded to the lattice (a multiple of 1 / lcm(n1, n2)) when the exact method is used.
   */
  public static double[] statisticAndPValue(double d, long n1, long n2) {
    if (Math.max(n1, n2) <= MAX_EXACT_N) {
      long g = gcd(n1, n2);
      long lcm = (n1 / g) * n2;
      long h = (long) Math.rint(d * lcm);
      double rounded = (double) h / lcm;
      if (h == 0) {
        return new double[] {rounded, 1.0};
      }
      double p = n1 == n2 ? probOutsideSquare(n1, h) : probOutsideInside(n1, n2, g, h);
      if (p >= 0 && p <= 1) {
        return new double[] {rounded, p};
      }
      d = rounded;
    }
    return new double[] {d, asymptoticPValue(d, n1, n2)};
  }

  /** scipy's {@code method='asymp'} two-sided p-value: kstwo.sf(d, round(n1 n2 / (n1 + n2))). */
  public static double asymptoticPValue(double d, long n1, long n2) {
    double m = Math.max(n1, n2);
    double n = Math.min(n1, n2);
    double en = m * n / (m + n);
    return Math.max(0, Math.min(1, KolmogorovDistribution.sf((long) Math.rint(en), d)));
  }

  /** P(D_{n,n} >= h/n) by the alternating binomial sum, evaluated Horner-like. */
  private static double probOutsideSquare(long n, long h) {
    double p = 0.0;
    for (long k = n / h; k >= 0; k--) {
      double p1 = 1.0;
      for (long j = 0; j < h; j++) {
        p1 = (n - k * h - j) * p1 / (n + k * h + j + 1);
      }
      p = p1 * (1.0 - p);
    }
    return 2 * p;
  }

  /**
   * P(D_{m,n} >= h/lcm): one minus the share of lattice paths that stay strictly inside |x/m - y/n| < h/lcm,
   * with the recursion of Viehmann (2021) that computes that complement directly (Hodges' inside method).
   */
  private static double probOutsideInside(long m0, long n0, long g, long h) {
    long m = Math.max(m0, n0);
    long n = Math.min(m0, n0);
    long mg = m / g;
    long ng = n / g;
    int minj = 0;
    int maxj = (int) Math.min(ceilDiv(h, mg), n + 1);
    int curlen = maxj - minj;
    int lenA = (int) Math.min(2L * maxj + 2, n + 1);
    double[] a = new double[lenA];
    java.util.Arrays.fill(a, 1.0);
    java.util.Arrays.fill(a, minj, maxj, 0.0);
    for (long i = 1; i <= m; i++) {
      int lastminj = minj;
      int lastlen = curlen;
      minj = (int) Math.min(Math.max(Math.floorDiv(ng * i - h, mg) + 1, 0), n);
      maxj = (int) Math.min(ceilDiv(ng * i + h, mg), n + 1);
      if (maxj <= minj) {
        return 1.0;
      }
      double val = minj == 0 ? 0.0 : 1.0;
      for (int jj = 0; jj < maxj - minj; jj++) {
        int j = jj + minj;
        val = (a[jj + minj - lastminj] * i + val * j) / (i + j);
        a[jj] = val;
      }
      curlen = maxj - minj;
      if (lastlen > curlen) {
        java.util.Arrays.fill(a, maxj - minj, Math.min(lenA, maxj - minj + (lastlen - curlen)), 1.0);
      }
    }
    return a[maxj - minj - 1];
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
