package dev.lakemill.spark;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.lakemill.drift.ColumnDrift;
import dev.lakemill.drift.ColumnKind;
import dev.lakemill.drift.DatasetDrift;
import dev.lakemill.drift.DriftMethod;
import dev.lakemill.drift.DriftOptions;
import dev.lakemill.drift.Histogram;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.NumericType;

/**
 * TEMPORARY: replaced by the drift-engine branch. A minimal stand-in with the engine's signature so
 * that the drift step can be built and tested: PSI for every column (the {@code methods} option is
 * ignored), over 10 equal-width bins for numeric columns and one bin per value otherwise, in two Spark
 * jobs (counts, nulls, min and max of every column; then the bins of every column).
 */
public final class DriftCalculator {
  private static final int BINS = 10;

  private final SparkSession spark;

  public DriftCalculator(SparkSession spark) {
    this.spark = spark;
  }

  public DatasetDrift compute(Dataset<Row> reference, Dataset<Row> current, List<String> columns, DriftOptions options,
      double datasetDriftShare) {
    Dataset<Row> both = sides(reference, 0, columns).unionByName(sides(current, 1, columns));
    List<Column> stats = new ArrayList<>(List.of(sum(when(col("_side").equalTo(0), 1).otherwise(0)),
        sum(when(col("_side").equalTo(1), 1).otherwise(0))));
    for (int i = 0; i < columns.size(); i++) {
      Column c = col("_c" + i);
      stats.add(sum(when(c.isNull().and(col("_side").equalTo(0)), 1).otherwise(0)));
      stats.add(sum(when(c.isNull().and(col("_side").equalTo(1)), 1).otherwise(0)));
      stats.add(numeric(both, i) ? min(c) : lit(null));
      stats.add(numeric(both, i) ? max(c) : lit(null));
    }
    Row s = both.agg(stats.get(0), stats.subList(1, stats.size()).toArray(Column[]::new)).head();
    List<Column> bins = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      Column c = col("_c" + i);
      Column bin = c.cast("string");
      if (numeric(both, i)) {
        double lo = s.isNullAt(4 + 4 * i) ? 0 : ((Number) s.get(4 + 4 * i)).doubleValue();
        double hi = s.isNullAt(5 + 4 * i) ? 0 : ((Number) s.get(5 + 4 * i)).doubleValue();
        bin = hi > lo ? least(floor(c.cast("double").minus(lo).divide(hi - lo).multiply(BINS)), lit(BINS - 1)).cast("string")
            : lit("0");
      }
      bins.add(struct(lit(i).as("c"), when(c.isNull(), lit(null)).otherwise(bin).as("b")));
    }
    List<Row> counts = both.select(col("_side"), explode(array(bins.toArray(Column[]::new))).as("e"))
        .where(col("e.b").isNotNull()).groupBy(col("_side"), col("e.c"), col("e.b")).agg(count(lit(1)))
        .collectAsList();
    Map<Integer, Map<String, long[]>> byColumn = new HashMap<>();
    for (Row r : counts) {
      byColumn.computeIfAbsent(r.getInt(1), k -> new TreeMap<>()).computeIfAbsent(r.getString(2), k -> new long[2])
          [r.getInt(0)] += r.getLong(3);
    }
    List<ColumnDrift> out = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      out.add(column(columns.get(i), numeric(both, i), s, i, byColumn.getOrDefault(i, Map.of()), options));
    }
    return new DatasetDrift(out, datasetDriftShare);
  }

  private static Dataset<Row> sides(Dataset<Row> data, int side, List<String> columns) {
    List<Column> select = new ArrayList<>(List.of(lit(side).as("_side")));
    for (int i = 0; i < columns.size(); i++) {
      select.add(col("`" + columns.get(i).replace("`", "``") + "`").as("_c" + i));
    }
    return data.select(select.toArray(Column[]::new));
  }

  private static boolean numeric(Dataset<Row> both, int i) {
    return both.schema().apply("_c" + i).dataType() instanceof NumericType;
  }

  private static ColumnDrift column(String name, boolean numeric, Row s, int i, Map<String, long[]> bins,
      DriftOptions options) {
    List<String> labels = new ArrayList<>();
    int n = numeric ? (bins.isEmpty() ? 0 : BINS) : bins.size();
    long[] ref = new long[n];
    long[] cur = new long[n];
    double[] edges = new double[0];
    if (numeric && n > 0) {
      double lo = ((Number) s.get(4 + 4 * i)).doubleValue();
      double hi = ((Number) s.get(5 + 4 * i)).doubleValue();
      edges = new double[n + 1];
      for (int b = 0; b <= n; b++) {
        edges[b] = lo + (hi - lo) * b / n;
      }
      for (int b = 0; b < n; b++) {
        labels.add(String.format(Locale.ROOT, "[%.4g, %.4g%s", edges[b], edges[b + 1], b == n - 1 ? "]" : ")"));
        long[] c = bins.getOrDefault(String.valueOf(b), new long[2]);
        ref[b] = c[0];
        cur[b] = c[1];
      }
    } else {
      int b = 0;
      for (Map.Entry<String, long[]> e : bins.entrySet()) {
        labels.add(e.getKey());
        ref[b] = e.getValue()[0];
        cur[b++] = e.getValue()[1];
      }
    }
    double psi = psi(ref, cur);
    double threshold = options.thresholdFor(name, DriftMethod.PSI);
    return new ColumnDrift(name, numeric ? ColumnKind.NUMERIC : ColumnKind.CATEGORICAL, DriftMethod.PSI, psi, Double.NaN,
        threshold, DriftMethod.PSI.drifted(psi, Double.NaN, threshold), 0.0, s.getLong(0), s.getLong(1),
        s.getLong(2 + 4 * i), s.getLong(3 + 4 * i), new Histogram(labels, edges, ref, cur));
  }

  /** PSI over bin shares, empty bins counted as a share of 1e-4. */
  private static double psi(long[] ref, long[] cur) {
    double refTotal = 0;
    double curTotal = 0;
    for (int b = 0; b < ref.length; b++) {
      refTotal += ref[b];
      curTotal += cur[b];
    }
    if (refTotal == 0 || curTotal == 0) {
      return 0;
    }
    double psi = 0;
    for (int b = 0; b < ref.length; b++) {
      double r = Math.max(ref[b] / refTotal, 1e-4);
      double c = Math.max(cur[b] / curTotal, 1e-4);
      psi += (r - c) * Math.log(r / c);
    }
    return psi;
  }
}
