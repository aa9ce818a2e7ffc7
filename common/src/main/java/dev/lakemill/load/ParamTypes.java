package dev.lakemill.load;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import dev.lakemill.spec.SourceLocation;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The type of each param, taken from its default in the pipeline file, and the conversion of a
 * value (a default, an environment variable or a {@code --param}) to that type. A param that reaches
 * SQL is bound as a value of this type.
 */
public final class ParamTypes {
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

  /** What a param's default is, and so what every value of it must be. */
  public enum Type {
    INTEGER("an integer"),
    DOUBLE("a number"),
    BOOLEAN("a boolean (true or false)"),
    DATE("a date (yyyy-MM-dd)"),
    STRING("a string");

    private final String description;

    Type(String description) {
      this.description = description;
    }

    /** For messages: "an integer", "a date (yyyy-MM-dd)". */
    public String description() {
      return description;
    }
  }

  /**
   * @param type the type of the default
   * @param defaultValue the default as written, for messages
   * @param at where the default is declared
   */
  public record Declared(Type type, String defaultValue, SourceLocation at) {}

  private ParamTypes() {}

  /**
   * The declared params of a parsed, unresolved pipeline file. Environment variables are left out, so
   * that {@code x = 18, x = ${?X}} is an integer whatever {@code X} holds.
   */
  public static Map<String, Declared> declared(Config parsed) {
    Map<String, Declared> out = new LinkedHashMap<>();
    try {
      Config defaults = parsed.resolve(
          ConfigResolveOptions.defaults().setUseSystemEnvironment(false).setAllowUnresolved(true));
      if (!(defaults.root().get("params") instanceof ConfigObject params)) {
        return out;
      }
      for (String name : params.keySet()) {
        ConfigValue value = params.get(name);
        try {
          Object unwrapped = value.unwrapped();
          out.put(name, new Declared(typeOf(unwrapped), String.valueOf(unwrapped), Origins.location(value.origin())));
        } catch (ConfigException e) {
          out.put(name, new Declared(Type.STRING, value.render(), Origins.location(value.origin())));
        }
      }
    } catch (ConfigException e) {
      // The full load reports what does not resolve; without defaults every param is a string.
    }
    return out;
  }

  private static Type typeOf(Object value) {
    if (value instanceof Integer || value instanceof Long) {
      return Type.INTEGER;
    }
    if (value instanceof Number) {
      return Type.DOUBLE;
    }
    if (value instanceof Boolean) {
      return Type.BOOLEAN;
    }
    if (value instanceof String s && asDate(s) != null) {
      return Type.DATE;
    }
    return Type.STRING;
  }

  /**
   * @return {@code text} as a value of {@code type} (Integer or Long, Double, Boolean, LocalDate,
   *     String), or null if it is not one
   */
  public static Object convert(Type type, String text) {
    String trimmed = text.trim();
    try {
      return switch (type) {
        case INTEGER -> {
          long value = Long.parseLong(trimmed);
          yield value == (int) value ? (Object) (int) value : (Object) value;
        }
        case DOUBLE -> {
          double value = Double.parseDouble(trimmed);
          yield Double.isFinite(value) ? value : null;
        }
        case BOOLEAN -> trimmed.equalsIgnoreCase("true") ? Boolean.TRUE
            : trimmed.equalsIgnoreCase("false") ? Boolean.FALSE : null;
        case DATE -> asDate(trimmed);
        case STRING -> text;
      };
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static LocalDate asDate(String text) {
    if (!DATE.matcher(text).matches()) {
      return null;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** For the step's fingerprint: the type and the value, so that a change of either reruns the step. */
  static String describe(Object value) {
    return value.getClass().getSimpleName().toLowerCase(Locale.ROOT) + " " + value;
  }
}
