package dev.lakemill.jobs.bench;

import dev.lakemill.drift.ColumnDrift;
import dev.lakemill.drift.DatasetDrift;
import dev.lakemill.drift.DriftOptions;
import dev.lakemill.drift.spark.DriftCalculator;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Drift benchmark: 20 columns (10 normal doubles, a lognormal, integers with 1000, about 30 and 4 values,
 * five string columns with 2 to 50 categories, a boolean) times {@code rows} rows per side, written to
 * Parquet once, then timed, alternating the order, {@code runs} times each:
 * (a) one plain aggregate scan, count/min/max of the 20 columns over both data sets;
 * (b) {@link DriftCalculator#compute} over the 20 columns;
 * (c) the same one column at a time (20 calls).
 * Prints the medians and the ratios b/a and c/b.
 *
 * <p>Usage: {@code DriftBench <work dir> <rows> <runs>}
 */
public final class DriftBench {
  private DriftBench() {}

  public static void main(String[] args) {
    String work = args[0];
    long rows = Long.parseLong(args[1]);
    int runs = Integer.parseInt(args[2]);
    SparkSession spark = SparkSession.builder().appName("drift bench").master("local[*]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", InetAddress.getLoopbackAddress().getHostAddress())
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.sql.shuffle.partitions", "8")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    generate(spark, rows, 0).write().mode("overwrite").parquet(work + "/reference");
    generate(spark, rows, 1).write().mode("overwrite").parquet(work + "/current");
    Dataset<Row> reference = spark.read().parquet(work + "/reference");
    Dataset<Row> current = spark.read().parquet(work + "/current");
    List<String> columns = Arrays.asList(reference.columns());

    long[] a = new long[runs];
    long[] b = new long[runs];
    long[] c = new long[runs];
    DatasetDrift last = null;
    for (int run = 0; run < runs; run++) {
      for (int step = 0; step < 3; step++) {
        int which = run % 2 == 0 ? step : 2 - step;
        long start = System.nanoTime();
        if (which == 0) {
          aggregate(reference, current, columns);
        } else if (which == 1) {
          last = DriftCalculator.compute(reference, current, columns, DriftOptions.defaults(), 0.5);
        } else {
          for (String column : columns) {
            DriftCalculator.compute(reference, current, List.of(column), DriftOptions.defaults(), 0.5);
          }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        (which == 0 ? a : which == 1 ? b : c)[run] = ms;
      }
      System.err.printf(Locale.ROOT, "run %d: a %d ms, b %d ms, c %d ms%n", run + 1, a[run], b[run], c[run]);
    }
    double ma = median(a);
    double mb = median(b);
    double mc = median(c);
    System.out.printf(Locale.ROOT, "drift bench: 20 columns x %d rows per side, median of %d runs%n", rows, runs);
    System.out.printf(Locale.ROOT, "  (a) aggregate scan (count/min/max, both sides): %.0f ms  %s%n", ma,
        Arrays.toString(a));
    System.out.printf(Locale.ROOT, "  (b) DriftCalculator, 20 columns at once:        %.0f ms  %s%n", mb,
        Arrays.toString(b));
    System.out.printf(Locale.ROOT, "  (c) DriftCalculator, one column at a time:      %.0f ms  %s%n", mc,
        Arrays.toString(c));
    System.out.printf(Locale.ROOT, "  b/a = %.2f (target <= 3), c/b = %.2f (target >= 5)%n", mb / ma, mc / mb);
    System.out.printf(Locale.ROOT, "  last (b): %d of %d columns drifted%n", last.driftedColumns(),
        last.columns().size());
    for (ColumnDrift d : last.columns()) {
      System.out.printf(Locale.ROOT, "    %-4s %-13s %-11s value %.4g p %.3g error <= %.2g%s%n", d.column(),
          d.method().configName(), d.kind().name().toLowerCase(Locale.ROOT), d.value(), d.pValue(), d.errorBound(),
          d.drifted() ? "  DRIFT" : "");
    }
    spark.stop();
  }

  private static void aggregate(Dataset<Row> reference, Dataset<Row> current, List<String> columns) {
    List<Column> aggregates = new ArrayList<>();
    aggregates.add(functions.count(functions.lit(1)));
    for (String name : columns) {
      aggregates.add(functions.count(functions.col(name)));
      aggregates.add(functions.min(functions.col(name)));
      aggregates.add(functions.max(functions.col(name)));
    }
    reference.unionByName(current).select(aggregates.toArray(new Column[0])).collectAsList();
  }

  /** One side; the current side (1) drifts in a few columns. */
  static Dataset<Row> generate(SparkSession spark, long rows, int side) {
    double d = side;
    List<String> exprs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      double shift = i < 3 ? 0.2 * d : 0.0;
      exprs.add(String.format(Locale.ROOT, "randn(%d) * %d + %f AS n%d", 100 * side + i, i + 1, shift, i));
    }
    exprs.add("exp(randn(" + (100 * side + 10) + ") * " + (0.5 + 0.1 * d) + ") AS lognormal");
    exprs.add("CAST(floor(rand(" + (100 * side + 11) + ") * 1000) AS INT) AS i1000");
    exprs.add("CAST(floor(-ln(1 - rand(" + (100 * side + 12) + ")) * " + (4 + d) + ") AS INT) AS i30");
    exprs.add("CAST(floor(rand(" + (100 * side + 13) + ") * 4) AS INT) AS i4");
    exprs.add("IF(rand(" + (100 * side + 14) + ") < " + (0.5 + 0.05 * d) + ", 'yes', 'no') AS s2");
    exprs.add("concat('plan', CAST(floor(rand(" + (100 * side + 15) + ") * 5) AS STRING)) AS s5");
    exprs.add("concat('region', CAST(floor(pow(rand(" + (100 * side + 16) + "), " + (1 + d) + ") * 12) AS STRING))"
        + " AS s12");
    exprs.add("concat('city', CAST(floor(rand(" + (100 * side + 17) + ") * 30) AS STRING)) AS s30");
    exprs.add("concat('shop', CAST(floor(rand(" + (100 * side + 18) + ") * 50) AS STRING)) AS s50");
    exprs.add("rand(" + (100 * side + 19) + ") < 0.3 AS flag");
    return spark.range(0, rows, 1, 4).selectExpr(exprs.toArray(new String[0]));
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }
}
