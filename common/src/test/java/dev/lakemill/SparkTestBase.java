package dev.lakemill;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** One local SparkSession with Delta per test class; a fresh lakehouse folder and its fixture per test. */
public abstract class SparkTestBase {
  protected static SparkSession spark;

  @TempDir protected Path lakehouse;

  /** Plans, runs and tables in {@link #lakehouse}. */
  protected PipelineFixture lake;

  /**
   * One core: the suite's two forks already keep both of the machine's cores busy, and on tiny tables a
   * second task per stage and shuffle partition is only overhead (MlLifecycleTest, StepCacheTest and
   * DriftStepTest side by side: 519 CPU-s on two cores each, 489 on one).
   */
  @BeforeAll
  static void startSpark() {
    spark = PipelineFixture.localSpark("lakemill-test", 1);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
    spark = null;
  }

  @BeforeEach
  void fixture() {
    lake = new PipelineFixture(spark, lakehouse);
  }

  protected List<Row> sql(String query, Object... args) {
    return lake.sql(query, args);
  }

  protected long count(String table) {
    return lake.count(table);
  }
}
