package dev.lakemill.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON that {@code --format json} prints (docs/OUTPUT.md): objects are built as ordered maps with
 * {@link #object}, then written by Jackson, indented by two spaces, keys in insertion order. Instants and
 * dates become ISO-8601 strings, non-finite numbers and negative "none" markers become {@code null}.
 */
final class Json {
  private static final ObjectWriter WRITER = new ObjectMapper().writer(new DefaultPrettyPrinter()
      .withObjectIndenter(new DefaultIndenter("  ", "\n")).withArrayIndenter(new DefaultIndenter("  ", "\n")));

  private Json() {}

  /** An object from alternating keys and values, in that order. */
  static Map<String, Object> object(Object... keysAndValues) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      out.put((String) keysAndValues[i], value(keysAndValues[i + 1]));
    }
    return out;
  }

  /** {@code value} with instants, dates and timestamps as strings, NaN and infinities as null, recursively. */
  static Object value(Object value) {
    if (value instanceof Timestamp t) {
      return t.toInstant().toString();
    }
    if (value instanceof Instant || value instanceof LocalDate || value instanceof Enum<?>) {
      return value.toString();
    }
    if (value instanceof Double d && !Double.isFinite(d)) {
      return null;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), value(v)));
      return out;
    }
    if (value instanceof Collection<?> items) {
      List<Object> out = new ArrayList<>();
      items.forEach(v -> out.add(value(v)));
      return out;
    }
    return value;
  }

  /** A count or version, or null when it is negative (lakemill's "none"). */
  static Long count(long n) {
    return n < 0 ? null : n;
  }

  /** A string, or null when it is empty. */
  static String text(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** {@code value} as indented JSON text ending in a newline. */
  static String write(Object value) {
    try {
      return WRITER.writeValueAsString(value(value)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON", e);
    }
  }
}
