package dev.lakemill.spark;

import dev.lakemill.compile.plan.TablePlan;
import dev.lakemill.spec.WriteMode;
import io.delta.tables.DeltaTable;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;

/** Reads Delta tables at pinned versions and writes step outputs as exactly one commit each. */
public final class DeltaIO {
  /** The version a write produced and the rows it reported. */
  public record Written(long version, long rows) {}

  private DeltaIO() {}

  public static boolean exists(SparkSession spark, String location) {
    return DeltaTable.isDeltaTable(spark, location);
  }

  /** The table's latest version, or -1 if there is no Delta table there. */
  public static long latestVersion(SparkSession spark, String location) {
    if (!exists(spark, location)) {
      return -1;
    }
    return DeltaTable.forPath(spark, location).history(1).select("version").head().getLong(0);
  }

  /** The latest version committed at or before {@code timestamp}. */
  public static long versionAt(SparkSession spark, String location, String timestamp) {
    Row row = DeltaTable.forPath(spark, location).history()
        .where("timestamp <= CAST('" + timestamp.replace("'", "") + "' AS TIMESTAMP)")
        .orderBy(org.apache.spark.sql.functions.col("version").desc())
        .select("version").head();
    return row.getLong(0);
  }

  public static Dataset<Row> read(SparkSession spark, String location, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(location);
  }

  /** Writes {@code data} to {@code table} in its mode, as one Delta commit. */
  public static Written write(SparkSession spark, Dataset<Row> data, TablePlan table) {
    WriteMode mode = table.mode();
    if (mode == WriteMode.MERGE && exists(spark, table.location())) {
      String condition = table.mergeKeys().stream()
          .map(k -> "t.`" + k + "` <=> s.`" + k + "`")
          .collect(Collectors.joining(" AND "));
      DeltaTable.forPath(spark, table.location()).as("t")
          .merge(data.as("s"), condition)
          .whenMatched().updateAll()
          .whenNotMatched().insertAll()
          .execute();
      return lastCommit(spark, table.location());
    }
    DataFrameWriter<Row> writer = data.write().format("delta");
    if (!table.partitionBy().isEmpty()) {
      writer = writer.partitionBy(table.partitionBy().toArray(String[]::new));
    }
    switch (mode) {
      case OVERWRITE -> writer = writer.mode("overwrite").option("overwriteSchema", "true");
      case REPLACE_PARTITIONS -> writer = writer.mode("overwrite").option("partitionOverwriteMode", "dynamic");
      default -> writer = writer.mode("append");
    }
    writer.save(table.location());
    return lastCommit(spark, table.location());
  }

  /** Appends rows with schema evolution allowed (quarantine tables follow their output's schema). */
  public static void append(Dataset<Row> data, String location) {
    data.write().format("delta").mode("append").option("mergeSchema", "true").save(location);
  }

  private static Written lastCommit(SparkSession spark, String location) {
    Row last = DeltaTable.forPath(spark, location).history(1).select("version", "operationMetrics").head();
    Map<String, String> metrics = last.isNullAt(1) ? Map.of() : CollectionConverters.asJava(last.<String, String>getMap(1));
    long rows = -1;
    for (String key : List.of("numOutputRows", "numSourceRows")) {
      if (metrics.containsKey(key)) {
        rows = Long.parseLong(metrics.get(key));
        break;
      }
    }
    return new Written(last.getLong(0), rows);
  }
}
