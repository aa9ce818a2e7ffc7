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

  @BeforeAll
  static void startSpark() {
    spark = PipelineFixture.localSpark("lakemill-test");
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
