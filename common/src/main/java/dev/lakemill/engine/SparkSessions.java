package dev.lakemill.engine;

import dev.lakemill.engine.step.SqlStepRunner;
import dev.lakemill.settings.Environment;
import java.net.InetAddress;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession a run uses: Delta enabled, UI off locally, Spark logs at WARN. Settings that
 * spark-submit already set (its {@code --master}, {@code --executor-memory}, {@code --conf}; they arrive
 * as {@code spark.*} system properties) win over the environment conf: the command line is the later,
 * more specific word.
 */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession create(Environment env, String appName) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName)
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    if (!env.sparkMaster().isEmpty() && System.getProperty("spark.master") == null) {
      builder.master(env.sparkMaster());
      if (env.sparkMaster().startsWith("local")) {
        builder.config("spark.ui.enabled", "false")
            .config("spark.driver.host", InetAddress.getLoopbackAddress().getHostAddress());
      }
    }
    env.sparkConf().forEach((key, value) -> {
      if (System.getProperty(key) == null) {
        builder.config(key, value);
      }
    });
    // Pipeline SQL never expands ${env:NAME}: params are bound values (SqlStepRunner sets it again).
    SparkSession spark = builder.config(SqlStepRunner.VARIABLE_SUBSTITUTE, "false")
        .config(SqlStepRunner.MARKERS_BOUND_BY_ANALYZER, "true").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  /**
   * A one-core local session for commands that only read Delta logs and small ledger tables
   * ({@code plan}): the environment's settings, but never a cluster.
   */
  public static SparkSession createLocal(Environment env, String appName) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    env.sparkConf().forEach(builder::config);
    SparkSession spark = builder.master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", InetAddress.getLoopbackAddress().getHostAddress())
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config(SqlStepRunner.VARIABLE_SUBSTITUTE, "false")
        .config(SqlStepRunner.MARKERS_BOUND_BY_ANALYZER, "true")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }
}
