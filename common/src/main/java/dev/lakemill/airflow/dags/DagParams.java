package dev.lakemill.airflow.dags;

import dev.lakemill.airflow.rest.ParamTypes;
import dev.lakemill.settings.AirflowVersion;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * A pipeline's params as Airflow {@code Param}s and as the templates each task passes to
 * {@code --param}. The type comes from the file's default: {@code true}/{@code false} boolean,
 * a whole number integer, a decimal number, {@code yyyy-MM-dd} a string of format date, anything
 * else a string. {@code run-date} defaults to the run's logical date instead of the file's value.
 */
final class DagParams {
  private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");

  private DagParams() {}

  /** The Python source of the {@code Param} for {@code name} with the file's {@code value}. */
  static String param(String name, String value) {
    if (name.equals(DagGenerator.RUN_DATE_PARAM)) {
      return "Param(None, type=[\"null\", \"string\"], format=\"date\", description="
          + PythonLiterals.string("Empty: the run's logical date (yyyy-MM-dd)") + ")";
    }
    switch (ParamTypes.jsonType(value)) {
      case "boolean":
        return "Param(" + (value.equals("true") ? "True" : "False") + ", type=\"boolean\")";
      case "integer":
        return "Param(" + value + ", type=\"integer\")";
      case "number":
        return "Param(" + value + ", type=\"number\")";
      default:
        break;
    }
    if (isDate(value)) {
      return "Param(" + PythonLiterals.string(value) + ", type=\"string\", format=\"date\")";
    }
    return "Param(" + PythonLiterals.string(value) + ", type=\"string\")";
  }

  /**
   * The template of {@code --param name=...}: the run's value of the param, printed as data. A boolean
   * prints as {@code true}/{@code false}; an empty {@code run-date} as the run's date.
   */
  static String template(String name, String value, AirflowVersion airflow) {
    String param = "params[" + JinjaLiterals.string(name) + "]";
    if (name.equals(DagGenerator.RUN_DATE_PARAM)) {
      return "{{ " + param + " or " + airflow.runDateExpression() + " }}";
    }
    if (value.equals("true") || value.equals("false")) {
      return "{{ " + param + " | string | lower }}";
    }
    return "{{ " + param + " }}";
  }

  private static boolean isDate(String value) {
    if (!DATE.matcher(value).matches()) {
      return false;
    }
    try {
      LocalDate.parse(value);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
