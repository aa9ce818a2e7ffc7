package dev.lakemill.safety;

import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/** Labels the Spark jobs of one step, so the Spark UI reads "churn-prep: prepare". */
public final class JobGroups {
  /** Every step's job group id starts with it: {@code lakemill:<pipeline>:<step>}. */
  static final String PREFIX = "lakemill:";

  private JobGroups() {}

  /** The job group id of a step's Spark jobs: {@code lakemill:<pipeline>:<step>}. */
  public static String groupId(String pipeline, String step) {
    return PREFIX + pipeline + ":" + step;
  }

  public static <T> T withJobGroup(SparkSession spark, String pipeline, String step, Supplier<T> work) {
    SparkContext sc = spark.sparkContext();
    String previousGroup = sc.getLocalProperty("spark.jobGroup.id");
    String previousDescription = sc.getLocalProperty("spark.job.description");
    sc.setJobGroup(groupId(pipeline, step), pipeline + ": " + step, false);
    try {
      return work.get();
    } finally {
      sc.setLocalProperty("spark.jobGroup.id", previousGroup);
      sc.setLocalProperty("spark.job.description", previousDescription);
    }
  }
}
