package dev.lakemill.drift;

/**
 * The distribution of the one-sample two-sided Kolmogorov-Smirnov statistic D_n for a finite n
 * ({@code scipy.stats.kstwo}), which scipy's asymptotic two-sample test evaluates at n = round(n1 n2 / (n1 + n2)).
 * The choice between algorithms follows Simard and L'Ecuyer (2011) exactly as scipy 1.17 does: Ruben-Gambino
 * closed forms at both ends, Durbin's matrix (Marsaglia-Tsang-Wang), Pomeranz's recursion, the Pelz-Good series,
 * and twice the one-sided Smirnov tail (Birnbaum-Tingey sum, or Miller's approximation above a million).
 * Agrees with scipy to about 1e-10 relative (checked in the tests on all branches).
 */
public final class KolmogorovDistribution {
  private static final double EP128 = Math.scalb(1.0, 128);
  private static final double EM128 = Math.scalb(1.0, -128);
  private static final double LOG_2PI = Math.log(2 * Math.PI);
  private static final double SQRT_2PI = Math.sqrt(2 * Math.PI);
  private static final double MIN_LOG = -708.3964185322641;
  private static final double[] STIRLING = {-2.955065359477124183e-2, 6.4102564102564102564e-3,
      -1.9175269175269175269e-3, 8.4175084175084175084e-4, -5.952380952380952381e-4,
      7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2};
  private static final int SMIRNOV_MAX_COMPUTE_N = 1_000_000;

  private KolmogorovDistribution() {}

  /** P(D_n >= x): {@code scipy.stats.kstwo.sf(x, n)}. */
  public static double sf(long n, double x) {
    if (n <= 0 || Double.isNaN(x)) {
      return Double.NaN;
    }
    if (x >= 1.0) {
      return 0.0;
    }
    if (x <= 0.0) {
      return 1.0;
    }
    double t = n * x;
    if (t <= 1.0) {
      return t <= 0.5 ? 1.0 : clip(1.0 - rubenGambinoCdf(n, t));
    }
    if (t >= n - 1) {
      return clip(2 * Math.pow(1.0 - x, n));
    }
    if (x >= 0.5) {
      return clip(2 * smirnovSf(n, x));
    }
    double nxSquared = t * x;
    if (n <= 140) {
      if (nxSquared <= 0.754693) {
        return clip(1.0 - durbinCdf((int) n, x));
      }
      if (nxSquared <= 4) {
        return clip(1.0 - pomeranzCdf((int) n, x));
      }
      return clip(2 * smirnovSf(n, x));
    }
    if (nxSquared >= 370.0) {
      return 0.0;
    }
    if (nxSquared >= 2.2) {
      return clip(2 * smirnovSf(n, x));
    }
    double cdf = n <= 100_000 && n * Math.pow(x, 1.5) <= 1.4 ? durbinCdf((int) n, x) : pelzGoodCdf(n, x);
    return clip(1.0 - cdf);
  }

  private static double rubenGambinoCdf(long n, double t) {
    if (n <= 140) {
      double prod = 1.0;
      for (int i = 1; i <= n; i++) {
        prod *= i * (1.0 / n) * (2 * t - 1);
      }
      return prod;
    }
    return Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
  }

  /** log(n! / n^n) by Stirling's series with n log n taken out. */
  private static double logFactorialOverPower(long n) {
    double rn = 1.0 / n;
    double poly = 0;
    double z = rn / n;
    for (double c : STIRLING) {
      poly = poly * z + c;
    }
    return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
  }

  /** P(D_n <= d) by Durbin's matrix, computed as Marsaglia, Tsang and Wang do (scaled powers). */
  static double durbinCdf(int n, double d) {
    double nd = n * d;
    if (nd <= 0.5) {
      return 0.0;
    }
    int k = (int) Math.ceil(nd);
    double h = k - nd;
    int m = 2 * k - 1;
    double[] v = new double[m];
    double[] w = new double[m];
    double fac = 1.0;
    for (int j = 1; j <= m; j++) {
      w[j - 1] = fac;
      fac /= j;
      v[j - 1] = (1.0 - Math.pow(h, j)) * fac;
    }
    double tt = Math.pow(Math.max(2 * h - 1.0, 0), m) - 2 * Math.pow(h, m);
    v[m - 1] = (1.0 + tt) * fac;
    double[][] hm = new double[m][m];
    for (int i = 1; i < m; i++) {
      for (int r = i - 1; r < m; r++) {
        hm[r][i] = w[r - i + 1];
      }
    }
    for (int r = 0; r < m; r++) {
      hm[r][0] = v[r];
      hm[m - 1][r] = v[m - 1 - r];
    }
    double[][] power = identity(m);
    int expnt = 0;
    int hExpnt = 0;
    for (int nn = n; nn > 0; nn /= 2) {
      if (nn % 2 == 1) {
        power = multiply(power, hm);
        expnt += hExpnt;
      }
      hm = multiply(hm, hm);
      hExpnt *= 2;
      if (Math.abs(hm[k - 1][k - 1]) > EP128) {
        scale(hm, EM128);
        hExpnt += 128;
      }
    }
    double p = power[k - 1][k - 1];
    for (int i = 1; i <= n; i++) {
      p = i * p / n;
      if (Math.abs(p) < EM128) {
        p *= EP128;
        expnt -= 128;
      }
    }
    return Math.scalb(p, expnt);
  }

  /** P(D_n <= x) by Pomeranz's recursion (used for n <= 140). */
  static double pomeranzCdf(int n, double x) {
    double t = n * x;
    int ll = (int) Math.floor(t);
    double f = t - ll;
    double g = Math.min(f, 1.0 - f);
    int ceilf = f > 0 ? 1 : 0;
    int roundf = f > 0.5 ? 1 : 0;
    int npwrs = 2 * (ll + 1);
    double[] gpower = new double[npwrs];
    double[] twogpower = new double[npwrs];
    double[] onem2gpower = new double[npwrs];
    gpower[0] = twogpower[0] = onem2gpower[0] = 1.0;
    for (int m = 1; m < npwrs; m++) {
      gpower[m] = gpower[m - 1] * (g / n) / m;
      twogpower[m] = twogpower[m - 1] * (2 * g / n) / m;
      onem2gpower[m] = onem2gpower[m - 1] * ((1 - 2 * g) / n) / m;
    }
    double[] v0 = new double[npwrs];
    double[] v1 = new double[npwrs];
    v1[0] = 1;
    int v0s = 0;
    int v1s = 0;
    int expnt = 0;
    int[] j = pomeranzRange(0, n, ll, ceilf, roundf);
    for (int i = 1; i < 2 * n + 2; i++) {
      int k1 = j[0];
      double[] swap = v0;
      v0 = v1;
      v1 = swap;
      int swapS = v0s;
      v0s = v1s;
      v1s = swapS;
      java.util.Arrays.fill(v1, 0.0);
      j = pomeranzRange(i, n, ll, ceilf, roundf);
      double[] pwrs = i == 1 || i == 2 * n + 1 ? gpower : (i % 2 == 1 ? twogpower : onem2gpower);
      int ln2 = j[1] - k1 + 1;
      if (ln2 > 0) {
        int start = k1 - v0s;
        int lenA = Math.min(ln2, npwrs - start);
        int lenB = Math.min(ln2, npwrs);
        int convStart = j[0] - k1;
        int convLen = j[1] - j[0] + 1;
        double max = 0;
        for (int out = 0; out < convLen; out++) {
          int c = convStart + out;
          double sum = 0;
          for (int a = Math.max(0, c - lenB + 1); a <= Math.min(c, lenA - 1); a++) {
            sum += v0[start + a] * pwrs[c - a];
          }
          v1[out] = sum;
          max = Math.max(max, sum);
        }
        if (max > 0 && max < EM128) {
          scale(v1, EP128);
          expnt -= 128;
        }
        v1s = v0s + j[0] - k1;
      }
    }
    double ans = v1[n - v1s];
    for (int m = 1; m <= n; m++) {
      if (Math.abs(ans) > EP128) {
        ans *= EM128;
        expnt += 128;
      }
      ans *= m;
    }
    return Math.scalb(ans, expnt);
  }

  private static int[] pomeranzRange(int i, int n, int ll, int ceilf, int roundf) {
    int j1;
    int j2;
    if (i == 0) {
      j1 = -ll - ceilf - 1;
      j2 = ll + ceilf - 1;
    } else {
      int half = (i + 1) / 2;
      if ((i + 1) % 2 == 0) {
        if (half == n + 1) {
          j1 = n - ll - ceilf - 1;
          j2 = n + ll + ceilf - 1;
        } else {
          j1 = half - 1 - ll - roundf - 1;
          j2 = half + ll - 1 + ceilf - 1;
        }
      } else {
        j1 = half - 1 - ll - 1;
        j2 = half + ll + roundf - 1;
      }
    }
    return new int[] {Math.max(j1 + 2, 0), Math.min(j2, n)};
  }

  /** P(D_n <= x) by the Pelz-Good asymptotic series. */
  static double pelzGoodCdf(long n, double x) {
    double z = Math.sqrt(n) * x;
    double z2 = z * z;
    double z4 = z2 * z2;
    double z6 = z4 * z2;
    double qlog = -Math.PI * Math.PI / 8 / z2;
    if (qlog < -708) {
      return 0.0;
    }
    double q = Math.exp(qlog);
    double pi2 = Math.PI * Math.PI;
    double pi4 = pi2 * pi2;
    double pi6 = pi4 * pi2;
    double k1a = -z2;
    double k1b = pi2 / 4;
    double k2a = 6 * z6 + 2 * z4;
    double k2b = (2 * z4 - 5 * z2) * pi2 / 4;
    double k2c = pi4 * (1 - 2 * z2) / 16;
    double k3d = pi6 * (5 - 30 * z2) / 64;
    double k3c = pi4 * (-60 * z2 + 212 * z4) / 16;
    double k3b = pi2 * (135 * z4 - 96 * z6) / 4;
    double k3a = -30 * z6 - 90 * Math.pow(z, 8);
    double[] k = new double[4];
    int maxk = (int) Math.ceil(16 * z / Math.PI);
    for (int i = maxk; i > 0; i--) {
      double m = 2 * i - 1;
      double m2 = m * m;
      double m4 = m2 * m2;
      double m6 = m4 * m2;
      double qpower = Math.pow(q, 8 * i);
      double[] coeffs = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6};
      for (int c = 0; c < 4; c++) {
        k[c] = k[c] * qpower + coeffs[c];
      }
    }
    double[] divisors = {z, 6 * z4, 72 * Math.pow(z, 7), 6480 * Math.pow(z, 10)};
    for (int c = 0; c < 4; c++) {
      k[c] = k[c] * q * SQRT_2PI / divisors[c];
    }
    double q2 = Math.exp(-pi2 / 2 / z2);
    double sqrt3z = Math.sqrt(3) * z;
    double k2extra = 0;
    double k3extra = 0;
    for (int i = maxk; i > 0; i--) {
      double i2 = (double) i * i;
      double qp = Math.pow(q2, i2);
      double kspi = Math.PI * i;
      k2extra += i2 * qp;
      k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * i2 * qp;
    }
    k[2] += k2extra * (pi2 * SQRT_2PI / (-36 * z * z2));
    k[3] += k3extra * (pi2 * SQRT_2PI / (216 * z6));
    double sum = 0;
    for (int c = 0; c < 4; c++) {
      sum += k[c] / Math.pow(n, c / 2.0);
    }
    return sum;
  }

  /**
   * P(D+_n >= x), the one-sided Smirnov tail ({@code scipy.special.smirnov}): the Birnbaum-Tingey sum with
   * its terms in log space, or Miller's approximation above a million.
   */
  static double smirnovSf(long n, double x) {
    if (n == 1) {
      return 1 - x;
    }
    if (x == 0.0) {
      return 1.0;
    }
    if (x == 1.0) {
      return 0.0;
    }
    double nx = n * x;
    long nxFloor = (long) Math.floor(nx);
    double alpha = nx - nxFloor;
    if (nxFloor == 0 || (nxFloor == 1 && alpha == 0)) {
      return 1 - x * Math.pow(1 + x, n - 1);
    }
    if (-2 * n * x * x < MIN_LOG) {
      return 0.0;
    }
    if (nxFloor >= n - 1) {
      return Math.pow(1 - x, n);
    }
    if (n > SMIRNOV_MAX_COMPUTE_N) {
      double logp = -Math.pow(6.0 * n * x + 1, 2) / 18.0 / n;
      return logp < -Math.log(2) ? Math.exp(logp) : 1 + Math.expm1(logp);
    }
        long firstUpper = n - nxFloor + (alpha == 0 ? 1 : 0);
    long upperTerms = n - firstUpper + 1;
    boolean upper = (upperTerms <= 1 && x < 0.5) || (n >= 10 && upperTerms <= 3 && x <= 0.5 / Math.sqrt(n));
    double sum = upper ? birnbaumTingey(n, x, n, -1, upperTerms) : birnbaumTingey(n, x, 0, 1, n - nxFloor);
    double prob = x * sum;
    return upper ? 1 - prob : prob;
  }

  /** Sum of C(n,v) (1-x-v/n)^(n-v) (x+v/n)^(v-1) over nTerms values of v from start by step. */
  private static double birnbaumTingey(long n, double x, long start, int step, long nTerms) {
    double sum = 0;
    double compensation = 0;
    double logBinomial = 0;
    double logBinomialC = 0;
    for (long j = 0; j < nTerms; j++) {
      long v = start + j * step;
      double a = (double) (n - v) / n - x;
      double b = (double) v / n + x;
      double term;
      if (n - v == 0) {
        term = Math.exp(logBinomial + (v - 1) * Math.log(b));
      } else if (a == 0) {
        term = 0.0;
      } else {
        double magnitude = Math.exp(logBinomial + (n - v) * Math.log(Math.abs(a)) + (v - 1) * Math.log(b));
        term = a < 0 && (n - v) % 2 == 1 ? -magnitude : magnitude;
      }
      double y = term - compensation;
      double s = sum + y;
      compensation = (s - sum) - y;
      sum = s;
      if (term != 0.0) {
        if (4 * (nTerms - j) * Math.abs(term) < Math.ulp(1.0) * sum && j != nTerms - 1) {
          break;
        }
      } else if (j > n / 2) {
        break;
      }
      double inc = Math.log((double) (n - j) / (j + 1)) - logBinomialC;
      double next = logBinomial + inc;
      logBinomialC = (next - logBinomial) - inc;
      logBinomial = next;
    }
    return sum;
  }

  private static double[][] identity(int m) {
    double[][] id = new double[m][m];
    for (int i = 0; i < m; i++) {
      id[i][i] = 1.0;
    }
    return id;
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    int m = a.length;
    double[][] c = new double[m][m];
    for (int i = 0; i < m; i++) {
      double[] ci = c[i];
      for (int k = 0; k < m; k++) {
        double aik = a[i][k];
        if (aik == 0) {
          continue;
        }
        double[] bk = b[k];
        for (int j = 0; j < m; j++) {
          ci[j] += aik * bk[j];
        }
      }
    }
    return c;
  }

  private static void scale(double[][] a, double factor) {
    for (double[] row : a) {
      scale(row, factor);
    }
  }

  private static void scale(double[] a, double factor) {
    for (int i = 0; i < a.length; i++) {
      a[i] *= factor;
    }
  }

  private static double clip(double p) {
    return Math.max(0.0, Math.min(1.0, p));
  }
}
