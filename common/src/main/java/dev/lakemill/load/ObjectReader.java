package dev.lakemill.load;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.lakemill.error.PipelineErrors;
import dev.lakemill.error.Problem;
import dev.lakemill.spec.SourceLocation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads typed values out of one HOCON object, recording a {@link Problem} (with path and line) instead
 * of throwing, so that binding reports every problem at once. Getters return null after a problem.
 */
final class ObjectReader {
  private final ConfigObject object;
  private final String path;
  private final List<Problem> problems;
  private final Map<String, SourceLocation> locations;

  ObjectReader(ConfigObject object, String path, List<Problem> problems, Map<String, SourceLocation> locations) {
    this.object = object;
    this.path = path;
    this.problems = problems;
    this.locations = locations;
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      locations.put(childPath(e.getKey()), Origins.location(e.getValue().origin()));
    }
  }

  String path() {
    return path;
  }

  String childPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  SourceLocation at() {
    return Origins.location(object.origin());
  }

  SourceLocation at(String key) {
    ConfigValue value = object.get(key);
    return value == null ? at() : Origins.location(value.origin());
  }

  boolean has(String key) {
    ConfigValue value = object.get(key);
    return value != null && value.valueType() != ConfigValueType.NULL;
  }

  /** Keys in declaration order (HOCON objects are unordered maps; the origin line orders them). */
  List<String> keys() {
    return object.keySet().stream()
        .sorted(java.util.Comparator.comparingInt((String k) -> object.get(k).origin().lineNumber())
            .thenComparing(k -> k))
        .toList();
  }

  void problem(String key, String message) {
    problems.add(new Problem(key == null ? path : childPath(key), at(key == null ? "" : key), message));
  }

  /** A problem of {@code key} at a line of its own, e.g. one element of a list. */
  void problemAt(String key, SourceLocation at, String message) {
    problems.add(new Problem(childPath(key), at, message));
  }

  /** Reports every key not in {@code allowed}, with a did-you-mean. */
  void allowOnly(Collection<String> allowed, String what) {
    for (String key : keys()) {
      if (!allowed.contains(key)) {
        problem(key, PipelineErrors.unknownKey(key, what, allowed));
      }
    }
  }

  String requiredString(String key, String hint) {
    if (!has(key)) {
      problems.add(new Problem(childPath(key), at(), PipelineErrors.missingKey(key, hint)));
      return null;
    }
    return string(key);
  }

  /** A scalar as a string (numbers and booleans are accepted as their text), or null. */
  String string(String key) {
    ConfigValue value = object.get(key);
    if (value == null || value.valueType() == ConfigValueType.NULL) {
      return null;
    }
    if (!isScalar(value)) {
      wrongType(key, value, "a string");
      return null;
    }
    return String.valueOf(value.unwrapped());
  }

  Long longValue(String key) {
    return number(key, Long::parseLong, "a whole number");
  }

  /**
   * A generator seed: a whole number, or a {@code yyyy-MM-dd} date taken as the number {@code yyyyMMdd}, so that
   * {@code seed = ${params.run-date}} gives each run date its own rows.
   */
  Long seedValue(String key) {
    String text = string(key);
    if (text == null) {
      return null;
    }
    if (text.trim().matches("\\d{4}-\\d{2}-\\d{2}")) {
      try {
        return Long.parseLong(java.time.LocalDate.parse(text.trim()).toString().replace("-", ""));
      } catch (java.time.format.DateTimeParseException e) {
        // not a real date: reported below as not a number
      }
    }
    return number(key, Long::parseLong, "a whole number or a yyyy-MM-dd date");
  }

  Double doubleValue(String key) {
    return number(key, Double::parseDouble, "a number");
  }

  /** {@code true} or {@code false} (HOCON booleans or those words as strings), or null. */
  Boolean booleanValue(String key) {
    String text = string(key);
    if (text == null) {
      return null;
    }
    if (!text.equals("true") && !text.equals("false")) {
      problem(key, PipelineErrors.notABoolean(key, text));
      return null;
    }
    return Boolean.valueOf(text);
  }

  private <N> N number(String key, java.util.function.Function<String, N> parse, String expected) {
    String text = string(key);
    if (text == null) {
      return null;
    }
    try {
      return parse.apply(text.trim());
    } catch (NumberFormatException e) {
      problem(key, PipelineErrors.notANumber(key, text, expected));
      return null;
    }
  }

  /** A list of scalars; a single scalar is accepted as a one-element list. Null if absent. */
  List<String> stringList(String key) {
    ConfigValue value = object.get(key);
    if (value == null || value.valueType() == ConfigValueType.NULL) {
      return null;
    }
    if (isScalar(value)) {
      return List.of(String.valueOf(value.unwrapped()));
    }
    if (value.valueType() != ConfigValueType.LIST) {
      wrongType(key, value, "a list of strings, e.g. [a, b]");
      return null;
    }
    List<String> out = new ArrayList<>();
    for (Object element : (List<?>) value.unwrapped()) {
      if (element instanceof Map || element instanceof List) {
        wrongType(key, value, "a list of strings, e.g. [a, b]");
        return null;
      }
      out.add(String.valueOf(element));
    }
    return out;
  }

  /** A nested object, or null (a wrong type is reported). */
  ObjectReader object(String key) {
    ConfigValue value = object.get(key);
    if (value == null || value.valueType() == ConfigValueType.NULL) {
      return null;
    }
    if (value.valueType() != ConfigValueType.OBJECT) {
      wrongType(key, value, "an object { ... }");
      return null;
    }
    return new ObjectReader((ConfigObject) value, childPath(key), problems, locations);
  }

  /** A list of objects, e.g. {@code stages = [{...}, {...}]}; element paths read {@code key[i]}. Null if absent. */
  List<ObjectReader> objectList(String key) {
    ConfigValue value = object.get(key);
    if (value == null || value.valueType() == ConfigValueType.NULL) {
      return null;
    }
    if (value.valueType() != ConfigValueType.LIST) {
      wrongType(key, value, "a list of objects, e.g. [{ ... }, { ... }]");
      return null;
    }
    List<ObjectReader> out = new ArrayList<>();
    com.typesafe.config.ConfigList list = (com.typesafe.config.ConfigList) value;
    for (int i = 0; i < list.size(); i++) {
      ConfigValue element = list.get(i);
      if (element.valueType() != ConfigValueType.OBJECT) {
        problems.add(new Problem(childPath(key) + "[" + i + "]", Origins.location(element.origin()),
            PipelineErrors.wrongType(key + "[" + i + "]", "an object { ... }", element.valueType().name().toLowerCase(Locale.ROOT))));
        continue;
      }
      out.add(new ObjectReader((ConfigObject) element, childPath(key) + "[" + i + "]", problems, locations));
    }
    return out;
  }

  /**
   * A free-form object whose values are scalars or lists of scalars (MLlib params), unwrapped as
   * HOCON gives them: String, Number, Boolean, List. Nested objects are reported.
   */
  Map<String, Object> valueMap(String key) {
    ObjectReader nested = object(key);
    Map<String, Object> out = new LinkedHashMap<>();
    if (nested == null) {
      return out;
    }
    for (String k : nested.keys()) {
      ConfigValue v = nested.object.get(k);
      if (v.valueType() == ConfigValueType.OBJECT) {
        nested.wrongType(k, v, "a value or a list of values");
      } else if (v.valueType() != ConfigValueType.NULL) {
        out.put(k, v.unwrapped());
      }
    }
    return out;
  }

  /** A free-form object of scalars (params, options) as strings, in declaration order. */
  Map<String, String> scalarMap(String key) {
    ObjectReader nested = object(key);
    Map<String, String> out = new LinkedHashMap<>();
    if (nested == null) {
      return out;
    }
    for (String k : nested.keys()) {
      String v = nested.string(k);
      if (v != null) {
        out.put(k, v);
      }
    }
    return out;
  }

  /** An enum value spelt in kebab-case, with a did-you-mean; null if absent or invalid. */
  <E extends Enum<E>> E enumValue(String key, Class<E> type) {
    String text = string(key);
    if (text == null) {
      return null;
    }
    List<String> allowed = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      String spelling = constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
      if (spelling.equals(text)) {
        return constant;
      }
      allowed.add(spelling);
    }
    problem(key, PipelineErrors.unknownValue(key, text, allowed));
    return null;
  }

  ConfigValue raw(String key) {
    return object.get(key);
  }

  private void wrongType(String key, ConfigValue value, String expected) {
    problem(key, PipelineErrors.wrongType(key, expected, value.valueType().name().toLowerCase(Locale.ROOT)));
  }

  private static boolean isScalar(ConfigValue value) {
    return switch (value.valueType()) {
      case STRING, NUMBER, BOOLEAN -> true;
      default -> false;
    };
  }
}
