package dev.lakemill.airflow.rest;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * The one rule by which a param's text gets its Airflow type, shared by the DAG generator (which types
 * each DAG {@code Param} from the pipeline file's default) and the REST client (which sends
 * {@code --param} values and a drift trigger's params in a run's conf): {@code true}/{@code false} are
 * booleans, {@code 42} an integer, {@code 0.5} a number, anything else a string. Airflow checks a
 * trigger's conf against the DAG's {@code Param} types, so both sides must agree.
 */
public final class ParamTypes {
  private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]{0,17})");
  private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]{0,17})\\.[0-9]{1,17}");

  private ParamTypes() {}

  /** The JSON Schema type of {@code text}: {@code boolean}, {@code integer}, {@code number} or {@code string}. */
  public static String jsonType(String text) {
    if (text.equals("true") || text.equals("false")) {
      return "boolean";
    }
    if (INTEGER.matcher(text).matches()) {
      return "integer";
    }
    return NUMBER.matcher(text).matches() ? "number" : "string";
  }

  /** {@code text} as the JSON value of its {@link #jsonType}: Boolean, Long, BigDecimal or the String itself. */
  public static Object value(String text) {
    return switch (jsonType(text)) {
      case "boolean" -> Boolean.valueOf(text);
      case "integer" -> Long.valueOf(text);
      case "number" -> new BigDecimal(text);
      default -> text;
    };
  }
}
