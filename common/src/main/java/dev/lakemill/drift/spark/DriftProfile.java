package dev.lakemill.drift.spark;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Pass 1 of the drift computation, for numeric columns: per side the rows, nulls (NaN and infinities
 * count as nulls) and min/max, the reference's mean and variance (Welford, merged with Chan's formula),
 * and the distinct values counted exactly up to {@link #DISTINCT_CAP} (both samples together, and the
 * reference alone). One instance accumulates a partition; {@link #merge} combines them.
 */
final class DriftProfile implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Distinct values are counted exactly up to this many; above, only "more than" is known. */
  static final int DISTINCT_CAP = 20;

  final long[] rows = new long[2];
  final long[][] values;
  final double[][] min;
  final double[][] max;
  final double[] refMean;
  final double[] refM2;
  final double[][] distinct;
  final int[] distinctCount;
  final double[][] refDistinct;
  final int[] refDistinctCount;

  DriftProfile(int columns) {
    values = new long[2][columns];
    min = new double[2][columns];
    max = new double[2][columns];
    for (int s = 0; s < 2; s++) {
      java.util.Arrays.fill(min[s], Double.POSITIVE_INFINITY);
      java.util.Arrays.fill(max[s], Double.NEGATIVE_INFINITY);
    }
    refMean = new double[columns];
    refM2 = new double[columns];
    distinct = new double[columns][DISTINCT_CAP + 1];
    distinctCount = new int[columns];
    refDistinct = new double[columns][DISTINCT_CAP + 1];
    refDistinctCount = new int[columns];
  }

  /** Accumulates rows whose first {@code columns} fields are doubles and whose last field is the side (0/1). */
  static Iterator<DriftProfile> ofPartition(Iterator<Row> rows, int columns) {
    DriftProfile p = new DriftProfile(columns);
    while (rows.hasNext()) {
      Row row = rows.next();
      int side = row.getInt(columns);
      p.rows[side]++;
      for (int c = 0; c < columns; c++) {
        if (!row.isNullAt(c)) {
          double v = row.getDouble(c);
          if (Double.isFinite(v)) {
            p.add(c, side, v == 0.0 ? 0.0 : v);
          }
        }
      }
    }
    return List.of(p).iterator();
  }

  private void add(int c, int side, double v) {
    long n = ++values[side][c];
    min[side][c] = Math.min(min[side][c], v);
    max[side][c] = Math.max(max[side][c], v);
    if (side == 0) {
      double delta = v - refMean[c];
      refMean[c] += delta / n;
      refM2[c] += delta * (v - refMean[c]);
      refDistinctCount[c] = addCapped(refDistinct[c], refDistinctCount[c], v);
    }
    distinctCount[c] = addCapped(distinct[c], distinctCount[c], v);
  }

  /** Adds v to the first {@code count} slots unless present; a count above the cap means "more than the cap". */
  private static int addCapped(double[] set, int count, double v) {
    if (count > DISTINCT_CAP) {
      return count;
    }
    for (int i = 0; i < count; i++) {
      if (set[i] == v) {
        return count;
      }
    }
    set[count] = v;
    return count + 1;
  }

  static DriftProfile merge(DriftProfile a, DriftProfile b) {
    for (int s = 0; s < 2; s++) {
      a.rows[s] += b.rows[s];
    }
    for (int c = 0; c < a.refMean.length; c++) {
      long na = a.values[0][c];
      long nb = b.values[0][c];
      if (nb > 0) {
        double delta = b.refMean[c] - a.refMean[c];
        long n = na + nb;
        a.refMean[c] += delta * nb / n;
        a.refM2[c] += b.refM2[c] + delta * delta * ((double) na * nb / n);
      }
      for (int s = 0; s < 2; s++) {
        a.values[s][c] += b.values[s][c];
        a.min[s][c] = Math.min(a.min[s][c], b.min[s][c]);
        a.max[s][c] = Math.max(a.max[s][c], b.max[s][c]);
      }
      a.distinctCount[c] = mergeCapped(a.distinct[c], a.distinctCount[c], b.distinct[c], b.distinctCount[c]);
      a.refDistinctCount[c] =
          mergeCapped(a.refDistinct[c], a.refDistinctCount[c], b.refDistinct[c], b.refDistinctCount[c]);
    }
    return a;
  }

  private static int mergeCapped(double[] set, int count, double[] other, int otherCount) {
    if (otherCount > DISTINCT_CAP) {
      return otherCount;
    }
    for (int i = 0; i < otherCount && count <= DISTINCT_CAP; i++) {
      count = addCapped(set, count, other[i]);
    }
    return count;
  }

  /** Non-null (finite) values of column c on one side (0 reference, 1 current). */
  long values(int side, int c) {
    return values[side][c];
  }

  /** Distinct values of both samples, exact when at most {@link #DISTINCT_CAP}. */
  int distinct(int c) {
    return distinctCount[c];
  }

  int referenceDistinct(int c) {
    return refDistinctCount[c];
  }

  double min(int c) {
    return Math.min(min[0][c], min[1][c]);
  }

  double max(int c) {
    return Math.max(max[0][c], max[1][c]);
  }

  double referenceStd(int c) {
    return values[0][c] == 0 ? Double.NaN : Math.sqrt(refM2[c] / values[0][c]);
  }
}
