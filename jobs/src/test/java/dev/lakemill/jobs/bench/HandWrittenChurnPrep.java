package dev.lakemill.jobs.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import dev.lakemill.sources.ChurnCustomersGenerator;
import java.net.InetAddress;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The benchmark baseline: churn-prep written by hand in Java Spark, the way a data engineer would
 * without lakemill. Same session settings as conf/local.conf, same data, same SQL, same expectation
 * checks (in one aggregate, before writing), same Delta writes; no ledger, no progress output.
 *
 * <p>Usage: {@code HandWrittenChurnPrep <lakehouse root> <rows> <plans.csv>}
 */
public final class HandWrittenChurnPrep {
  private HandWrittenChurnPrep() {}

  public static void main(String[] args) {
    long start = System.nanoTime();
    String root = args[0];
    long rows = Long.parseLong(args[1]);
    String plansCsv = args[2];
    SparkSession spark = SparkSession.builder().appName("hand-written churn-prep").master("local[*]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", InetAddress.getLoopbackAddress().getHostAddress())
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.databricks.delta.snapshotPartitions", "4")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    long session = System.nanoTime();

    ChurnCustomersGenerator.generate(spark, rows, 7, 0.0).createOrReplaceTempView("customers");
    spark.read().option("header", "true").schema("plan STRING, monthly_fee DOUBLE, contract_months INT")
        .csv(plansCsv).createOrReplaceTempView("plans");
    Dataset<Row> prepared = spark.sql("""
        SELECT c.customer_id, c.age, c.tenure_months, c.support_calls, c.region, c.plan,
               p.monthly_fee, p.contract_months, c.churned, DATE '2026-11-26' AS snapshot_date
        FROM customers c JOIN plans p ON c.plan = p.plan""")
        .withColumn("id_count", expr("count(1) OVER (PARTITION BY customer_id)"))
        .persist(StorageLevel.MEMORY_AND_DISK());
    Row counts = prepared.selectExpr("count(*)", "sum(CASE WHEN age >= 18 THEN 0 ELSE 1 END)",
        "sum(CASE WHEN tenure_months IS NULL THEN 1 ELSE 0 END)", "sum(CASE WHEN id_count > 1 THEN 1 ELSE 0 END)").head();
    if (counts.getLong(3) > 0) {
      throw new IllegalStateException("duplicate customer ids: " + counts.getLong(3));
    }
    if (counts.getLong(2) > 0) {
      System.out.println("warning: " + counts.getLong(2) + " rows without tenure");
    }
    Dataset<Row> rejected = prepared.where("NOT coalesce(age >= 18, false)");
    if (counts.getLong(1) > 0) {
      rejected.drop("id_count").withColumn("_lakemill_expectations", expr("array('adult')"))
          .withColumn("_lakemill_run_id", lit("hand-written"))
          .write().format("delta").mode("append").option("mergeSchema", "true").save(root + "/silver/customers_quarantine");
    }
    prepared.where(col("age").geq(18)).drop("id_count")
        .write().format("delta").mode("overwrite").option("overwriteSchema", "true").save(root + "/silver/customers");
    prepared.unpersist();
    long prepare = System.nanoTime();

    spark.read().format("delta").load(root + "/silver/customers").createOrReplaceTempView("prepare");
    spark.sql("SELECT region, count(*) AS customers, avg(CAST(churned AS DOUBLE)) AS churn_rate FROM prepare GROUP BY region")
        .write().format("delta").mode("overwrite").option("overwriteSchema", "true").save(root + "/gold/churn_by_region");
    long byRegion = System.nanoTime();
    System.out.printf("rows %d, quarantined %d; session %d ms, prepare %d ms, by-region %d ms%n", counts.getLong(0),
        counts.getLong(1), (session - start) / 1_000_000, (prepare - session) / 1_000_000, (byRegion - prepare) / 1_000_000);
    spark.stop();
  }
}
