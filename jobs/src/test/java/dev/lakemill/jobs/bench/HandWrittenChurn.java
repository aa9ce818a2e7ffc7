package dev.lakemill.jobs.bench;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import dev.lakemill.sources.ChurnCustomersGenerator;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The benchmark baseline for the ML pipeline: churn.conf written by hand in Java Spark and MLlib, the
 * way a data engineer would without lakemill. Same session settings as conf/local.conf, same data,
 * same SQL, same expectation checks (in one aggregate, before writing) and same Delta write of
 * silver.customers as {@link HandWrittenChurnPrep}; then, on silver.customers read back from Delta,
 * the features, train, validate and score steps: an 80/20 split, one MLlib Pipeline (Imputer,
 * StringIndexer, OneHotEncoder, VectorAssembler, GBTClassifier) tuned by 3-fold cross-validation
 * over maxDepth x stepSize, holdout metrics, the best model saved under {@code models/churn}, and
 * every customer scored into gold.churn_scores. No ledger, no model registry or champion
 * comparison, no progress output.
 *
 * <p>Usage: {@code HandWrittenChurn <lakehouse root> <rows> <plans.csv>}
 */
public final class HandWrittenChurn {
  private HandWrittenChurn() {}

  public static void main(String[] args) {
    long start = System.nanoTime();
    String root = args[0];
    long rows = Long.parseLong(args[1]);
    String plansCsv = args[2];
    SparkSession spark = SparkSession.builder().appName("hand-written churn").master("local[*]")
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

    // prepare: as HandWrittenChurnPrep.
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

    // features + train: one Pipeline, tuned by cross-validation on the 80% split.
    Dataset<Row> customers = spark.read().format("delta").load(root + "/silver/customers");
    Dataset<Row>[] split = customers.randomSplit(new double[] {0.8, 0.2}, 42);
    Dataset<Row> training = split[0].persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> holdout = split[1];
    GBTClassifier gbt = new GBTClassifier().setLabelCol("churned").setMaxIter(30).setSeed(42);
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new Imputer().setInputCols(new String[] {"tenure_months"}).setOutputCols(new String[] {"tenure_filled"})
            .setStrategy("median"),
        new StringIndexer().setInputCols(new String[] {"plan", "region"})
            .setOutputCols(new String[] {"plan_idx", "region_idx"}).setHandleInvalid("keep"),
        new OneHotEncoder().setInputCols(new String[] {"plan_idx", "region_idx"})
            .setOutputCols(new String[] {"plan_vec", "region_vec"}),
        new VectorAssembler()
            .setInputCols(new String[] {"age", "tenure_filled", "support_calls", "monthly_fee", "plan_vec", "region_vec"})
            .setOutputCol("features"),
        gbt});
    ParamMap[] grid = new ParamGridBuilder()
        .addGrid(gbt.maxDepth(), new int[] {3, 5})
        .addGrid(gbt.stepSize(), new double[] {0.1, 0.2})
        .build();
    CrossValidatorModel cv = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid)
        .setEvaluator(new BinaryClassificationEvaluator().setLabelCol("churned").setMetricName("areaUnderROC"))
        .setNumFolds(3).setParallelism(2).setSeed(42)
        .fit(training);
    PipelineModel best = (PipelineModel) cv.bestModel();
    training.unpersist();
    long train = System.nanoTime();

    // validate: holdout metrics, then save the best model.
    Dataset<Row> predictions = best.transform(holdout).cache();
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (String metric : List.of("areaUnderROC", "areaUnderPR")) {
      metrics.put(metric, new BinaryClassificationEvaluator().setLabelCol("churned").setMetricName(metric)
          .evaluate(predictions));
    }
    for (String metric : List.of("f1", "accuracy", "weightedPrecision", "weightedRecall", "logLoss")) {
      metrics.put(metric, new MulticlassClassificationEvaluator().setLabelCol("churned").setMetricName(metric)
          .evaluate(predictions));
    }
    predictions.unpersist();
    try {
      best.write().overwrite().save(root + "/models/churn");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    long validate = System.nanoTime();

    // score: every prepared row, with the prediction and the class probabilities as an array.
    List<Column> scored = new ArrayList<>();
    Arrays.stream(customers.columns()).forEach(c -> scored.add(col(c)));
    scored.add(col("prediction"));
    scored.add(vector_to_array(col("probability"), "float64").as("probability"));
    scored.add(lit("churn").as("model_name"));
    scored.add(lit(1).as("model_version"));
    best.transform(customers).select(scored.toArray(new Column[0]))
        .write().format("delta").mode("overwrite").option("overwriteSchema", "true").save(root + "/gold/churn_scores");
    long score = System.nanoTime();

    StringBuilder line = new StringBuilder("holdout:");
    metrics.forEach((name, value) -> line.append(String.format(" %s %.4f", name, value)));
    System.out.println(line);
    StringBuilder cvLine = new StringBuilder("cross-validation areaUnderROC:");
    double[] avg = cv.avgMetrics();
    for (int i = 0; i < grid.length; i++) {
      cvLine.append(String.format(" [maxDepth %s, stepSize %s] %.4f", grid[i].apply(gbt.maxDepth()),
          grid[i].apply(gbt.stepSize()), avg[i]));
    }
    System.out.println(cvLine);
    System.out.printf("rows %d, quarantined %d; session %d ms, prepare %d ms, train %d ms, validate %d ms, score %d ms,"
        + " total %d ms%n", counts.getLong(0), counts.getLong(1), (session - start) / 1_000_000,
        (prepare - session) / 1_000_000, (train - prepare) / 1_000_000, (validate - train) / 1_000_000,
        (score - validate) / 1_000_000, (score - start) / 1_000_000);
    spark.stop();
  }
}
