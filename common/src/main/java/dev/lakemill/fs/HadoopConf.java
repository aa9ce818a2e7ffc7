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
    Configuration conf = bootstrap();
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

  /**
   * Hadoop's defaults as Hadoop's own commands see them: core-site.xml and hdfs-site.xml on the class
   * path, then those in {@code $HADOOP_CONF_DIR} (where spark-submit and the hadoop command find them).
   * What reads the conf folder, before the environment (and its {@code spark.hadoop.*}) is known.
   */
  public static Configuration bootstrap() {
    Configuration conf = new Configuration();
    String dir = System.getenv("HADOOP_CONF_DIR");
    if (dir != null && !dir.isBlank()) {
      for (String name : new String[] {"core-site.xml", "hdfs-site.xml"}) {
        java.nio.file.Path site = java.nio.file.Path.of(dir, name);
        if (java.nio.file.Files.isRegularFile(site)) {
          conf.addResource(new org.apache.hadoop.fs.Path(site.toUri()));
        }
      }
    }
    return conf;
  }
}
