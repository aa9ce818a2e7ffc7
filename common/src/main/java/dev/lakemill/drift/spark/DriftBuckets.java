package dev.lakemill.drift.spark;

import dev.lakemill.drift.Bins;
import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * Pass 2 of the drift computation: every column bucketed at once, per side. A column is counted per
 * distinct value ({@link Plan#values}), or in equal-width bins each split into {@code sub} fine bins that
 * also keep their smallest and largest value ({@link Plan#bins}); numeric columns may also keep their raw
 * values for exact KS and Wasserstein. One instance accumulates a partition; {@link #merge} combines them.
 */
final class DriftBuckets implements Serializable {
  private static final long serialVersionUID = 1L;

  enum ValueType {
    NUMERIC,
    STRING,
    BOOLEAN
  }

  /** How one column is bucketed. */
  static final class Plan implements Serializable {
    private static final long serialVersionUID = 1L;
    final ValueType type;
    final double[] edges;
    final int sub;
    final boolean raw;

    private Plan(ValueType type, double[] edges, int sub, boolean raw) {
      this.type = type;
      this.edges = edges;
      this.sub = sub;
      this.raw = raw;
    }

    static Plan values(ValueType type) {
      return new Plan(type, null, 0, false);
    }

    static Plan bins(double[] edges, int sub, boolean raw) {
      return new Plan(ValueType.NUMERIC, edges, sub, raw);
    }

    boolean byValue() {
      return edges == null;
    }

    int fineBins() {
      return (edges.length - 1) * sub;
    }
  }

  final Plan[] plans;
  final long[] rows = new long[2];
  final long[][] nulls;
  final Map<Object, long[]>[] valueCounts;
  final long[][][] binCounts;
  final double[][] binLow;
  final double[][] binHigh;
  final double[][][] raw;
  final int[][] rawSize;

  @SuppressWarnings("unchecked")
  DriftBuckets(Plan[] plans) {
    this.plans = plans;
    int n = plans.length;
    nulls = new long[2][n];
    valueCounts = new Map[n];
    binCounts = new long[n][][];
    binLow = new double[n][];
    binHigh = new double[n][];
    raw = new double[n][][];
    rawSize = new int[n][];
    for (int c = 0; c < n; c++) {
      Plan p = plans[c];
      if (p.byValue()) {
        valueCounts[c] = new HashMap<>();
      } else {
        binCounts[c] = new long[2][p.fineBins()];
        binLow[c] = new double[p.fineBins()];
        binHigh[c] = new double[p.fineBins()];
        Arrays.fill(binLow[c], Double.POSITIVE_INFINITY);
        Arrays.fill(binHigh[c], Double.NEGATIVE_INFINITY);
      }
      if (p.raw) {
        raw[c] = new double[][] {new double[64], new double[64]};
        rawSize[c] = new int[2];
      }
    }
  }

  /** Accumulates rows holding one field per plan (doubles for numeric columns) and the side (0/1) last. */
  static Iterator<DriftBuckets> ofPartition(Iterator<Row> rows, Plan[] plans) {
    DriftBuckets b = new DriftBuckets(plans);
    int n = plans.length;
    while (rows.hasNext()) {
      Row row = rows.next();
      int side = row.getInt(n);
      b.rows[side]++;
      for (int c = 0; c < n; c++) {
        if (row.isNullAt(c)) {
          b.nulls[side][c]++;
          continue;
        }
        Plan p = plans[c];
        if (p.type == ValueType.NUMERIC) {
          double v = row.getDouble(c);
          if (!Double.isFinite(v)) {
            b.nulls[side][c]++;
          } else {
            b.addNumber(c, side, v == 0.0 ? 0.0 : v);
          }
        } else {
          Object key = p.type == ValueType.STRING ? row.getString(c) : (Object) row.getBoolean(c);
          b.valueCounts[c].computeIfAbsent(key, k -> new long[2])[side]++;
        }
      }
    }
    return List.of(b).iterator();
  }

  private void addNumber(int c, int side, double v) {
    Plan p = plans[c];
    if (p.byValue()) {
      valueCounts[c].computeIfAbsent(v, k -> new long[2])[side]++;
    } else {
      int bin = Bins.indexOf(p.edges, v);
      int fine = bin * p.sub;
      if (p.sub > 1) {
        double lo = p.edges[bin];
        double width = p.edges[bin + 1] - lo;
        fine += Math.max(0, Math.min(p.sub - 1, (int) ((v - lo) / width * p.sub)));
      }
      binCounts[c][side][fine]++;
      binLow[c][fine] = Math.min(binLow[c][fine], v);
      binHigh[c][fine] = Math.max(binHigh[c][fine], v);
    }
    if (p.raw) {
      double[] values = raw[c][side];
      int size = rawSize[c][side];
      if (size == values.length) {
        values = raw[c][side] = Arrays.copyOf(values, size * 2);
      }
      values[size] = v;
      rawSize[c][side] = size + 1;
    }
  }

  static DriftBuckets merge(DriftBuckets a, DriftBuckets b) {
    for (int s = 0; s < 2; s++) {
      a.rows[s] += b.rows[s];
    }
    for (int c = 0; c < a.plans.length; c++) {
      for (int s = 0; s < 2; s++) {
        a.nulls[s][c] += b.nulls[s][c];
      }
      if (a.valueCounts[c] != null) {
        for (Map.Entry<Object, long[]> e : b.valueCounts[c].entrySet()) {
          long[] counts = a.valueCounts[c].computeIfAbsent(e.getKey(), k -> new long[2]);
          counts[0] += e.getValue()[0];
          counts[1] += e.getValue()[1];
        }
      } else {
        for (int i = 0; i < a.binLow[c].length; i++) {
          a.binCounts[c][0][i] += b.binCounts[c][0][i];
          a.binCounts[c][1][i] += b.binCounts[c][1][i];
          a.binLow[c][i] = Math.min(a.binLow[c][i], b.binLow[c][i]);
          a.binHigh[c][i] = Math.max(a.binHigh[c][i], b.binHigh[c][i]);
        }
      }
      if (a.raw[c] != null) {
        for (int s = 0; s < 2; s++) {
          int size = a.rawSize[c][s] + b.rawSize[c][s];
          double[] values = Arrays.copyOf(a.raw[c][s], size);
          System.arraycopy(b.raw[c][s], 0, values, a.rawSize[c][s], b.rawSize[c][s]);
          a.raw[c][s] = values;
          a.rawSize[c][s] = size;
        }
      }
    }
    return a;
  }

  /** The raw non-null values of one side of a column kept for exact KS and Wasserstein. */
  double[] rawValues(int c, int side) {
    return Arrays.copyOf(raw[c][side], rawSize[c][side]);
  }
}
