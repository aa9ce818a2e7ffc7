package dev.lakemill.sources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakemill.SparkTestBase;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class ChurnCustomersGeneratorTest extends SparkTestBase {
  @Test
  void sameRowsAndSeedGiveTheSameRowsWhateverThePartitioning() {
    List<Row> one = ChurnCustomersGenerator.generate(spark, 2000, 7, 0.0, 1).orderBy("customer_id").collectAsList();
    List<Row> seven = ChurnCustomersGenerator.generate(spark, 2000, 7, 0.0, 7).orderBy("customer_id").collectAsList();
    List<Row> otherSeed = ChurnCustomersGenerator.generate(spark, 2000, 8, 0.0, 1).orderBy("customer_id").collectAsList();

    assertThat(seven).isEqualTo(one);
    assertThat(otherSeed).isNotEqualTo(one);
  }

  @Test
  void hasTheDocumentedShape() {
    Dataset<Row> data = ChurnCustomersGenerator.generate(spark, 20000, 7, 0.0);
    data.createOrReplaceTempView("generated");

    Row stats = spark.sql("""
        SELECT count(*) AS n, count(DISTINCT customer_id) AS ids,
               avg(CASE WHEN age < 18 THEN 1.0 ELSE 0.0 END) AS minors,
               min(age) AS min_age, max(age) AS max_age,
               avg(CASE WHEN tenure_months IS NULL THEN 1.0 ELSE 0.0 END) AS null_tenure,
               count(DISTINCT region) AS regions, avg(churned) AS churn_rate,
               avg(CASE WHEN support_calls >= 3 THEN churned END) AS churn_many_calls,
               avg(CASE WHEN support_calls = 0 THEN churned END) AS churn_no_calls
        FROM generated""").head();

    assertThat(stats.getLong(0)).isEqualTo(20000);
    assertThat(stats.getLong(1)).isEqualTo(20000);
    assertThat(stats.getDecimal(2).doubleValue()).isBetween(0.007, 0.013);
    assertThat(stats.getInt(3)).isGreaterThanOrEqualTo(14);
    assertThat(stats.getInt(4)).isLessThanOrEqualTo(90);
    assertThat(stats.getDecimal(5).doubleValue()).isBetween(0.015, 0.025);
    assertThat(stats.getLong(6)).isEqualTo(5);
    assertThat(stats.getDouble(7)).isBetween(0.1, 0.6);
    assertThat(stats.getDouble(8)).isGreaterThan(stats.getDouble(9) + 0.2);
    assertThat(spark.sql("SELECT DISTINCT plan FROM generated").collectAsList())
        .extracting(r -> r.getString(0))
        .containsExactlyInAnyOrder(ChurnCustomersGenerator.PLANS);
  }

  @Test
  void driftShiftsTheDistributions() {
    Row base = ChurnCustomersGenerator.generate(spark, 5000, 7, 0.0).selectExpr("avg(age)", "avg(support_calls)").head();
    Row drifted = ChurnCustomersGenerator.generate(spark, 5000, 7, 1.0).selectExpr("avg(age)", "avg(support_calls)").head();

    assertThat(drifted.getDouble(0)).isGreaterThan(base.getDouble(0) + 5);
    assertThat(drifted.getDouble(1)).isGreaterThan(base.getDouble(1) + 0.5);
  }
}
