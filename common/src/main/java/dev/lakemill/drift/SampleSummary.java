package dev.lakemill.drift;

import java.util.Arrays;

/**
 * Both samples of one numeric column as ascending, disjoint cells: cell i holds {@code reference[i]} and
 * {@code current[i]} values, all within [{@code low[i]}, {@code high[i]}]. A cell with low == high is one
 * exact value, so raw values and value counts give an exact summary (KS and Wasserstein are then exact);
 * the cells of a fine histogram (with each bin's smallest and largest value) give bounds on both.
 */
public final class SampleSummary {
  private final double[] low;
  private final double[] high;
  private final long[] reference;
  private final long[] current;
  private final long referenceCount;
  private final long currentCount;

  private SampleSummary(double[] low, double[] high, long[] reference, long[] current) {
    this.low = low;
    this.high = high;
    this.reference = reference;
    this.current = current;
    this.referenceCount = Arrays.stream(reference).sum();
    this.currentCount = Arrays.stream(current).sum();
  }

  /** The exact summary of two samples of non-null, finite values (the arrays are not changed). */
  public static SampleSummary ofValues(double[] referenceValues, double[] currentValues) {
    double[] r = referenceValues.clone();
    double[] c = currentValues.clone();
    Arrays.sort(r);
    Arrays.sort(c);
    double[] values = new double[r.length + c.length];
    long[] rc = new long[values.length];
    long[] cc = new long[values.length];
    int cells = 0;
    int i = 0;
    int j = 0;
    while (i < r.length || j < c.length) {
      double v = j >= c.length || (i < r.length && r[i] <= c[j]) ? r[i] : c[j];
      values[cells] = v;
      while (i < r.length && r[i] == v) {
        rc[cells]++;
        i++;
      }
      while (j < c.length && c[j] == v) {
        cc[cells]++;
        j++;
      }
      cells++;
    }
    double[] exact = Arrays.copyOf(values, cells);
    return new SampleSummary(exact, exact.clone(), Arrays.copyOf(rc, cells), Arrays.copyOf(cc, cells));
  }

  /**
   * A summary from cells: ascending and disjoint ({@code high[i] < low[i + 1]}), each low <= high.
   * Cells without values on either side are dropped.
   */
  public static SampleSummary ofCells(double[] low, double[] high, long[] reference, long[] current) {
    int n = low.length;
    if (high.length != n || reference.length != n || current.length != n) {
      throw new IllegalArgumentException("SampleSummary needs low, high and both counts for every cell");
    }
    int kept = 0;
    double[] l = new double[n];
    double[] h = new double[n];
    long[] r = new long[n];
    long[] c = new long[n];
    for (int i = 0; i < n; i++) {
      if (reference[i] + current[i] == 0) {
        continue;
      }
      if (!(low[i] <= high[i]) || (kept > 0 && !(h[kept - 1] < low[i]))) {
        throw new IllegalArgumentException("SampleSummary cells must be ascending and disjoint, cell " + i
            + " is [" + low[i] + ", " + high[i] + "]");
      }
      l[kept] = low[i];
      h[kept] = high[i];
      r[kept] = reference[i];
      c[kept] = current[i];
      kept++;
    }
    return new SampleSummary(Arrays.copyOf(l, kept), Arrays.copyOf(h, kept), Arrays.copyOf(r, kept),
        Arrays.copyOf(c, kept));
  }

  public int cells() {
    return low.length;
  }

  public double low(int cell) {
    return low[cell];
  }

  public double high(int cell) {
    return high[cell];
  }

  public long reference(int cell) {
    return reference[cell];
  }

  public long current(int cell) {
    return current[cell];
  }

  public long referenceCount() {
    return referenceCount;
  }

  public long currentCount() {
    return currentCount;
  }

  /** True when every cell is a single value, so the metrics computed from it are exact. */
  public boolean isExact() {
    for (int i = 0; i < low.length; i++) {
      if (low[i] != high[i]) {
        return false;
      }
    }
    return true;
  }

  /** The population standard deviation of the reference ({@code np.std}); exact summaries only. */
  public double referenceStd() {
    if (!isExact()) {
      throw new IllegalStateException("The reference std needs an exact summary, not binned cells");
    }
    double sum = 0;
    for (int i = 0; i < low.length; i++) {
      sum += reference[i] * low[i];
    }
    double mean = sum / referenceCount;
    double squares = 0;
    for (int i = 0; i < low.length; i++) {
      double d = low[i] - mean;
      squares += reference[i] * d * d;
    }
    return Math.sqrt(squares / referenceCount);
  }
}
