package dev.lakemill.drift.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakemill.drift.DriftFixtures;
import dev.lakemill.drift.DriftMethod;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * The scipy fixtures ({@link DriftFixtures}) as Spark data, and the one comparison of a computed metric
 * with scipy's, for the drift engine's tests and the drift step's. Costs nothing beyond the session
 * the caller already has.
 */
public final class FixtureFrames {
  private FixtureFrames() {}

  /** One side ("reference" or "current") of a fixture table, one column per fixture column, nulls kept. */
  public static Dataset<Row> data(SparkSession spark, String table, String side) {
    List<JsonNode> fixtures = DriftFixtures.columns(table);
    List<StructField> fields = new ArrayList<>();
    for (JsonNode f : fixtures) {
      fields.add(DataTypes.createStructField(f.path("name").asText(), type(f.path("type").asText()), true));
    }
    int rows = fixtures.get(0).path(side).size();
    List<Row> data = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      Object[] values = new Object[fixtures.size()];
      for (int c = 0; c < fixtures.size(); c++) {
        values[c] = value(fixtures.get(c).path(side).get(r), fixtures.get(c).path("type").asText());
      }
      data.add(RowFactory.create(values));
    }
    return spark.createDataFrame(data, DataTypes.createStructType(fields));
  }

  /**
   * Asserts a computed metric against scipy's: KS statistic to 1e-12 and p-value to 1e-9, Wasserstein to
   * 1e-11, chi-square and z statistic to 1e-12 and p-value to 1e-9, PSI and Jensen-Shannon to 1e-12, all
   * relative, and an exact value (error bound 0).
   *
   * @param pValue the p-value, NaN for a distance
   */
  public static void assertMatches(String what, DriftMethod method, double value, double pValue, double errorBound,
      JsonNode expected) {
    switch (method) {
      case KS:
        close(value, expected.path("ks").path("statistic").asDouble(), 1e-12, what);
        close(pValue, expected.path("ks").path("pValue").asDouble(), 1e-9, what);
        break;
      case WASSERSTEIN:
        close(value, expected.path("wasserstein").asDouble(), 1e-11, what);
        break;
      case CHISQUARE:
      case Z:
        JsonNode test = expected.path(method.configName());
        close(value, test.path("statistic").asDouble(), 1e-12, what);
        close(pValue, test.path("pValue").asDouble(), 1e-9, what);
        break;
      default:
        close(value, expected.path(method.configName()).asDouble(), 1e-12, what);
    }
    assertThat(errorBound).as(what).isZero();
  }

  private static void close(double actual, double expected, double relative, String what) {
    if (Double.isNaN(expected) || Double.isInfinite(expected)) {
      assertThat(Double.valueOf(actual)).as(what).isEqualTo(Double.valueOf(expected));
    } else {
      assertThat(Math.abs(actual - expected)).as(what + ": " + actual + " vs scipy " + expected)
          .isLessThanOrEqualTo(relative * Math.abs(expected) + 1e-300);
    }
  }

  private static DataType type(String type) {
    switch (type) {
      case "double":
        return DataTypes.DoubleType;
      case "int":
        return DataTypes.IntegerType;
      case "boolean":
        return DataTypes.BooleanType;
      default:
        return DataTypes.StringType;
    }
  }

  private static Object value(JsonNode v, String type) {
    if (v.isNull()) {
      return null;
    }
    switch (type) {
      case "double":
        return v.asDouble();
      case "int":
        return v.asInt();
      case "boolean":
        return v.asBoolean();
      default:
        return v.asText();
    }
  }
}
