package dev.lakemill.drift;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Equal-width bins as numpy makes them: {@code np.histogram_bin_edges(values, bins='sturges')} edges and
 * {@code np.histogram}'s rule that bin i holds edges[i] <= v < edges[i + 1], the last bin closed.
 */
public final class Bins {
  private Bins() {}

  /**
   * Sturges edges for {@code size} values between {@code min} and {@code max}: width = (max - min) /
   * (log2(size) + 1), bins = ceil((max - min) / width) (1 when all values are equal, the range then widened by
   * 0.5 on both sides); for integer columns a width below 1 becomes 1, as numpy does for integer arrays.
   */
  public static double[] sturgesEdges(long size, double min, double max, boolean integral) {
    if (size <= 0 || !(min <= max) || Double.isInfinite(min) || Double.isInfinite(max)) {
      throw new IllegalArgumentException("Sturges bins need values with a finite range, got " + size
          + " values in [" + min + ", " + max + "]");
    }
    double first = min;
    double last = max;
    if (first == last) {
      first -= 0.5;
      last += 0.5;
    }
    double width = (max - min) / (log2(size) + 1.0);
    int bins = 1;
    if (width != 0) {
      if (integral && width < 1) {
        width = 1;
      }
      bins = (int) Math.ceil((last - first) / width);
    }
    return linspace(first, last, bins);
  }

  /** {@code np.linspace(first, last, bins + 1)}: edge i is i * step + first, the last edge exactly last. */
  public static double[] linspace(double first, double last, int bins) {
    double[] edges = new double[bins + 1];
    double step = (last - first) / bins;
    for (int i = 0; i < bins; i++) {
      edges[i] = i * step + first;
    }
    edges[bins] = last;
    return edges;
  }

  /** The bin of v among equal-width edges, or -1 outside [first edge, last edge]. */
  public static int indexOf(double[] edges, double v) {
    int bins = edges.length - 1;
    if (!(v >= edges[0] && v <= edges[bins])) {
      return -1;
    }
    int i = (int) ((v - edges[0]) / (edges[bins] - edges[0]) * bins);
    i = Math.max(0, Math.min(bins - 1, i));
    while (i > 0 && v < edges[i]) {
      i--;
    }
    while (i < bins - 1 && v >= edges[i + 1]) {
      i++;
    }
    return i;
  }

  /** Labels "[a, b)" for each bin, the last one "[a, b]", with numbers to 6 significant digits. */
  public static String[] labels(double[] edges) {
    String[] labels = new String[edges.length - 1];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = "[" + format(edges[i]) + ", " + format(edges[i + 1]) + (i == labels.length - 1 ? "]" : ")");
    }
    return labels;
  }

  /** A short, stable rendering of a number: integers without a fraction, others to 6 significant digits. */
  public static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return Double.toString(v);
    }
    return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toString();
  }

  private static double log2(long n) {
    if (Long.bitCount(n) == 1) {
      return 63 - Long.numberOfLeadingZeros(n);
    }
    int exponent = 63 - Long.numberOfLeadingZeros(n);
    double mantissa = (double) n / (1L << exponent);
    return exponent + Math.log(mantissa) / Math.log(2);
  }
}
