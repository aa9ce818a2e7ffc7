package dev.lakemill.drift.spark;

import dev.lakemill.drift.Bins;
import dev.lakemill.drift.ColumnDrift;
import dev.lakemill.drift.ColumnKind;
import dev.lakemill.drift.ColumnSummary;
import dev.lakemill.drift.DatasetDrift;
import dev.lakemill.drift.DriftMethod;
import dev.lakemill.drift.DriftMetric;
import dev.lakemill.drift.DriftOptions;
import dev.lakemill.drift.Histogram;
import dev.lakemill.drift.MetricValue;
import dev.lakemill.drift.SampleSummary;
import dev.lakemill.drift.spark.DriftBuckets.Plan;
import dev.lakemill.drift.spark.DriftBuckets.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Compares columns of a reference and a current data set with the drift methods of {@link DriftMethod}
 * (Evidently's defaults unless {@link DriftOptions} overrides them). Two Spark jobs whatever the number of
 * columns: pass 1 profiles the numeric columns (counts, min/max, reference std, distinct values up to 20),
 * pass 2 buckets every column (per value, or Sturges bins split into fine bins) and keeps the raw values
 * that exact KS and Wasserstein need. The metrics are then computed on the driver.
 *
 * <p>KS and Wasserstein are exact when both samples have at most {@code exactMaxRows} non-null values, or
 * when the column has at most 20 distinct values; otherwise they come from about {@value #FINE_BINS} fine
 * bins that keep their smallest and largest value, with {@link ColumnDrift#errorBound()} the largest
 * possible error. NaN and infinite numbers count as nulls. Categorical columns, and numeric ones whose PSI,
 * Jensen-Shannon, chi-square or z needs one bin per value, bring one count per distinct value to the
 * driver; the histogram in the result keeps the {@value #REPORT_CATEGORIES} most frequent values.
 */
public final class DriftCalculator {
  /** Fine bins per numeric column for approximate KS and Wasserstein. */
  public static final int FINE_BINS = 10_000;
  /** Categories shown in a column's report histogram; the others are summed into {@link #OTHER}. */
  public static final int REPORT_CATEGORIES = 50;
  public static final String OTHER = "(other)";

  private DriftCalculator() {}

  /**
   * The drift of {@code columns} between {@code reference} and {@code current}; the data set drifts when the
   * share of drifted columns is at least {@code datasetDriftShare}. Columns must be numeric, string or
   * boolean and of the same kind in both data sets.
   */
  public static DatasetDrift compute(Dataset<Row> reference, Dataset<Row> current, List<String> columns,
      DriftOptions options, double datasetDriftShare) {
    return compute(reference, current, columns, options, datasetDriftShare, FINE_BINS);
  }

  static DatasetDrift compute(Dataset<Row> reference, Dataset<Row> current, List<String> columns,
      DriftOptions options, double datasetDriftShare, int fineBins) {
    if (!(datasetDriftShare >= 0 && datasetDriftShare <= 1)) {
      throw new IllegalArgumentException("The dataset drift share must be between 0 and 1, got " + datasetDriftShare);
    }
    List<DriftColumn> cols = DriftColumn.resolve(reference, current, columns, options);
    if (cols.isEmpty()) {
      return new DatasetDrift(List.of(), datasetDriftShare);
    }
    List<DriftColumn> numeric = cols.stream().filter(c -> c.type() == ValueType.NUMERIC).toList();
    DriftProfile profile = numeric.isEmpty() ? null : profile(reference, current, numeric);
    Plan[] plans = new Plan[cols.size()];
    for (int i = 0; i < plans.length; i++) {
      plans[i] = plan(cols.get(i), numeric.indexOf(cols.get(i)), profile, options, fineBins);
    }
    DriftBuckets buckets = bucket(reference, current, cols, plans);
    List<ColumnDrift> drifts = new ArrayList<>();
    for (int i = 0; i < plans.length; i++) {
      DriftColumn col = cols.get(i);
      int n = numeric.indexOf(col);
      double std = n < 0 ? Double.NaN : profile.referenceStd(n);
      drifts.add(columnDrift(col, plans[i], buckets, i, std, options));
    }
    return new DatasetDrift(drifts, datasetDriftShare);
  }

  private static DriftProfile profile(Dataset<Row> reference, Dataset<Row> current, List<DriftColumn> numeric) {
    int n = numeric.size();
    JavaRDD<Row> rows = union(reference, current, numeric).toJavaRDD();
    if (rows.getNumPartitions() == 0) {
      return new DriftProfile(n);
    }
    return rows.mapPartitions(part -> DriftProfile.ofPartition(part, n)).treeReduce(DriftProfile::merge);
  }

  private static DriftBuckets bucket(Dataset<Row> reference, Dataset<Row> current, List<DriftColumn> cols,
      Plan[] plans) {
    JavaRDD<Row> rows = union(reference, current, cols).toJavaRDD();
    if (rows.getNumPartitions() == 0) {
      return new DriftBuckets(plans);
    }
    return rows.mapPartitions(part -> DriftBuckets.ofPartition(part, plans)).treeReduce(DriftBuckets::merge);
  }

  /** Both data sets as (c0, c1, ..., side): numbers as doubles, side 0 for the reference, 1 for the current. */
  private static Dataset<Row> union(Dataset<Row> reference, Dataset<Row> current, List<DriftColumn> cols) {
    return side(reference, cols, 0).union(side(current, cols, 1));
  }

  private static Dataset<Row> side(Dataset<Row> data, List<DriftColumn> cols, int side) {
    Column[] select = new Column[cols.size() + 1];
    for (int i = 0; i < cols.size(); i++) {
      Column c = data.col(DriftColumn.quote(cols.get(i).name()));
      select[i] = (cols.get(i).type() == ValueType.NUMERIC ? c.cast("double") : c).as("c" + i);
    }
    select[cols.size()] = functions.lit(side).as("side");
    return data.select(select);
  }

  /**
   * Per value when that is exact and cheap (at most 20 distinct values) or what the definitions ask for
   * (bins per value when the reference has at most 20 distinct values); otherwise Sturges bins, split
   * into fine bins for approximate KS and Wasserstein or with the raw values kept for exact ones.
   */
  private static Plan plan(DriftColumn col, int n, DriftProfile profile, DriftOptions options, int fineBins) {
    if (col.type() != ValueType.NUMERIC) {
      return Plan.values(col.type());
    }
    int distinct = profile.distinct(n);
    if (distinct <= DriftProfile.DISTINCT_CAP) {
      return Plan.values(ValueType.NUMERIC);
    }
    long refValues = profile.values(0, n);
    long curValues = profile.values(1, n);
    DriftMethod method = method(col, ColumnKind.NUMERIC, distinct, refValues, options);
    if (profile.referenceDistinct(n) <= DriftProfile.DISTINCT_CAP && !method.needsNumericValues()) {
      return Plan.values(ValueType.NUMERIC);
    }
    double[] edges = Bins.sturgesEdges(refValues + curValues, profile.min(n), profile.max(n), col.integral());
    if (!method.needsNumericValues()) {
      return Plan.bins(edges, 1, false);
    }
    boolean exact = Math.max(refValues, curValues) <= options.exactMaxRows();
    int sub = exact ? 1 : Math.max(1, (int) Math.ceil((double) fineBins / (edges.length - 1)));
    return Plan.bins(edges, sub, exact);
  }

  private static DriftMethod method(DriftColumn col, ColumnKind kind, long distinct, long refValues,
      DriftOptions options) {
    return options.methodFor(col.name()).orElseGet(() -> DriftMethod.defaultFor(kind, distinct, refValues));
  }

  private static ColumnDrift columnDrift(DriftColumn col, Plan plan, DriftBuckets b, int i, double profileStd,
      DriftOptions options) {
    Histogram histogram;
    SampleSummary samples = null;
    double std = Double.NaN;
    long distinct;
    if (plan.byValue()) {
      histogram = valueHistogram(col, b.valueCounts[i]);
      distinct = histogram.bins();
      if (col.type() == ValueType.NUMERIC) {
        double[] keys = b.valueCounts[i].keySet().stream().mapToDouble(k -> (Double) k).sorted().toArray();
        samples = SampleSummary.ofCells(keys, keys, histogram.reference(), histogram.current());
        std = samples.referenceCount() == 0 ? Double.NaN : samples.referenceStd();
      }
    } else {
      histogram = binHistogram(plan, b, i);
      distinct = DriftProfile.DISTINCT_CAP + 1;
      if (plan.raw) {
        samples = SampleSummary.ofValues(b.rawValues(i, 0), b.rawValues(i, 1));
        std = samples.referenceStd();
      } else {
        samples = SampleSummary.ofCells(b.binLow[i], b.binHigh[i], b.binCounts[i][0], b.binCounts[i][1]);
        std = profileStd;
      }
    }
    ColumnKind kind = ColumnKind.of(col.type() == ValueType.NUMERIC, distinct);
    long refValues = b.rows[0] - b.nulls[0][i];
    DriftMethod method = method(col, kind, distinct, refValues, options);
    MetricValue v = DriftMetric.of(method).compute(new ColumnSummary(histogram, samples, std));
    double threshold = options.thresholdFor(col.name(), method);
    return new ColumnDrift(col.name(), kind, method, v.value(), v.pValue(), threshold,
        method.drifted(v.value(), v.pValue(), threshold), v.errorBound(), b.rows[0], b.rows[1], b.nulls[0][i],
        b.nulls[1][i], capped(histogram));
  }

  /** One bin per value, values in ascending order (numbers numerically, false before true). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Histogram valueHistogram(DriftColumn col, Map<Object, long[]> counts) {
    List<Object> keys = new ArrayList<>(counts.keySet());
    keys.sort((Comparator) Comparator.naturalOrder());
    List<String> labels = new ArrayList<>();
    long[] r = new long[keys.size()];
    long[] c = new long[keys.size()];
    for (int k = 0; k < keys.size(); k++) {
      Object key = keys.get(k);
      labels.add(key instanceof Double ? valueLabel((Double) key) : key.toString());
      r[k] = counts.get(key)[0];
      c[k] = counts.get(key)[1];
    }
    return new Histogram(labels, new double[0], r, c);
  }

  /** Integers without a fraction ("3"), other numbers as Java prints them ("0.25"). */
  static String valueLabel(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  /** The Sturges bins, summing their fine bins. */
  private static Histogram binHistogram(Plan plan, DriftBuckets b, int i) {
    int bins = plan.edges.length - 1;
    long[] r = new long[bins];
    long[] c = new long[bins];
    for (int f = 0; f < plan.fineBins(); f++) {
      r[f / plan.sub] += b.binCounts[i][0][f];
      c[f / plan.sub] += b.binCounts[i][1][f];
    }
    return new Histogram(List.of(Bins.labels(plan.edges)), plan.edges, r, c);
  }

  /** The histogram for the report: at most {@link #REPORT_CATEGORIES} most frequent values, then the rest. */
  static Histogram capped(Histogram h) {
    if (h.edges().length != 0 || h.bins() <= REPORT_CATEGORIES) {
      return h;
    }
    long[] r = h.reference();
    long[] c = h.current();
    Integer[] order = new Integer[h.bins()];
    Arrays.setAll(order, k -> k);
    Arrays.sort(order, Comparator.comparingLong((Integer k) -> -(r[k] + c[k])).thenComparingInt(k -> k));
    boolean[] top = new boolean[h.bins()];
    for (int k = 0; k < REPORT_CATEGORIES; k++) {
      top[order[k]] = true;
    }
    List<String> labels = new ArrayList<>();
    long[] rr = new long[REPORT_CATEGORIES + 1];
    long[] cc = new long[REPORT_CATEGORIES + 1];
    int out = 0;
    for (int k = 0; k < h.bins(); k++) {
      if (top[k]) {
        labels.add(h.labels().get(k));
        rr[out] = r[k];
        cc[out++] = c[k];
      } else {
        rr[REPORT_CATEGORIES] += r[k];
        cc[REPORT_CATEGORIES] += c[k];
      }
    }
    labels.add(OTHER);
    return new Histogram(labels, new double[0], rr, cc);
  }
}
