package dev.lakemill.jobs.bench;

import static org.apache.spark.sql.functions.expr;

import java.net.InetAddress;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * For {@code scripts/bench-ledger}: makes a ledger look a year old. Its one run of a pipeline is copied
 * {@code copies} times under other run ids, each copy a day older than the last, and each copy a file of its
 * own in both ledger tables: the files a lakemill without compaction left after that many runs (appended here in
 * one commit per table, where runs appended one each; with Delta's checkpoint every ten commits, reading the
 * log costs about the same, and reading the files is what grows).
 *
 * <p>Usage: {@code AgedLedger <ledger folder> <copies>}
 */
public final class AgedLedger {
  private AgedLedger() {}

  public static void main(String[] args) {
    String ledger = args[0];
    int copies = Integer.parseInt(args[1]);
    SparkSession spark = SparkSession.builder().appName("aged ledger").master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", InetAddress.getLoopbackAddress().getHostAddress())
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .getOrCreate();
    try {
      for (String table : new String[] {"runs", "steps"}) {
        String location = ledger + "/" + table;
        Dataset<Row> rows = spark.read().format("delta").load(location);
        // One file per copy: one task writes the copies in order, a file per copy's rows.
        spark.conf().set("spark.sql.files.maxRecordsPerFile", rows.count());
        Dataset<Row> aged = rows.crossJoin(spark.range(1, copies + 1).withColumnRenamed("id", "copy"))
            .withColumn("run_id", expr("concat('aged-', lpad(CAST(copy AS STRING), 6, '0'))"))
            .withColumn("started_at", expr("started_at - make_interval(0, 0, 0, CAST(copy AS INT))"))
            .withColumn("ended_at", expr("ended_at - make_interval(0, 0, 0, CAST(copy AS INT))"))
            .coalesce(1).sortWithinPartitions("copy").drop("copy");
        aged.write().format("delta").mode("append").save(location);
        System.out.println(location + ": " + spark.sql("DESCRIBE DETAIL delta.`" + location + "`").first()
            .<Long>getAs("numFiles") + " files");
      }
    } finally {
      spark.stop();
    }
  }
}
