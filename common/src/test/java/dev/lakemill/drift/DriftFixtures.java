package dev.lakemill.drift;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The fixtures make_fixtures.py wrote with numpy and scipy (src/test/resources/drift/drift-fixtures.json):
 * two tables of columns with their expected metrics, KS p-values and Kolmogorov tails, Sturges edges.
 */
public final class DriftFixtures {
  private static final JsonNode ROOT = load();

  private DriftFixtures() {}

  public static JsonNode root() {
    return ROOT;
  }

  /** Columns of table "small" (200 / 150 rows) or "large" (1500 / 1200 rows). */
  public static List<JsonNode> columns(String table) {
    List<JsonNode> columns = new ArrayList<>();
    ROOT.path("tables").path(table).path("columns").forEach(columns::add);
    return columns;
  }

  public static List<JsonNode> allColumns() {
    List<JsonNode> all = new ArrayList<>(columns("small"));
    all.addAll(columns("large"));
    return all;
  }

  public static boolean isNumeric(JsonNode column) {
    String type = column.path("type").asText();
    return type.equals("double") || type.equals("int");
  }

  /** The non-null values of one side as doubles (numeric columns). */
  public static double[] values(JsonNode column, String side) {
    List<Double> values = new ArrayList<>();
    column.path(side).forEach(v -> {
      if (!v.isNull()) {
        values.add(v.asDouble());
      }
    });
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** The non-null values of one side as text ("true", "oslo", "3.0"), for per-value bins. */
  public static List<String> labels(JsonNode column, String side) {
    List<String> values = new ArrayList<>();
    column.path(side).forEach(v -> {
      if (!v.isNull()) {
        values.add(v.asText());
      }
    });
    return values;
  }

  public static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asLong();
    }
    return out;
  }

  public static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }

  private static JsonNode load() {
    JsonMapper mapper = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    try (InputStream in = DriftFixtures.class.getResourceAsStream("/drift/drift-fixtures.json")) {
      return mapper.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
