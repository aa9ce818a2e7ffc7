package dev.lakemill.spark;

import dev.lakemill.config.Environment;
import java.net.InetAddress;
import org.apache.spark.sql.SparkSession;

/** Builds the SparkSession a run uses: Delta enabled, UI off locally, Spark logs at WARN. */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession create(Environment env, String appName) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName)
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    if (!env.sparkMaster().isEmpty()) {
      builder.master(env.sparkMaster());
      if (env.sparkMaster().startsWith("local")) {
        builder.config("spark.ui.enabled", "false")
            .config("spark.driver.host", InetAddress.getLoopbackAddress().getHostAddress());
      }
    }
    env.sparkConf().forEach(builder::config);
    SparkSession spark = builder.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }
}
