package dev.lakemill.fs;

import dev.lakemill.settings.Environment;
import org.apache.hadoop.conf.Configuration;

/** The one Hadoop configuration of an environment, the same one Spark would use, built without Spark. */
public final class HadoopConf {
  private HadoopConf() {}

  /**
   * The Hadoop settings Spark would use, without starting Spark: the defaults (core-site.xml on the
   * class path) plus {@code spark.hadoop.*} from the environment and from spark-submit.
   */
  public static Configuration of(Environment env) {
    Configuration conf = new Configuration();
    String prefix = "spark.hadoop.";
    env.sparkConf().forEach((key, value) -> {
      if (key.startsWith(prefix)) {
        conf.set(key.substring(prefix.length()), value);
      }
    });
    for (String key : System.getProperties().stringPropertyNames()) {
      if (key.startsWith(prefix)) {
        conf.set(key.substring(prefix.length()), System.getProperty(key));
      }
    }
    return conf;
  }
}
