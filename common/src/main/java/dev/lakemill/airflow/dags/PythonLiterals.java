package dev.lakemill.airflow.dags;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Python source literals for values written into generated DAG files: {@code None}, booleans,
 * integers, strings, lists and dicts. Strings use double quotes; backslashes, quotes and characters
 * Python's {@code str.isprintable()} rejects (controls, line and paragraph separators, lone
 * surrogates, ...) are escaped, other non-ASCII characters are written as they are (DAG files are
 * UTF-8, Python's default source encoding).
 */
public final class PythonLiterals {
  private PythonLiterals() {}

  /**
   * @param value null, a {@link Boolean}, {@link Integer}, {@link Long}, {@link CharSequence},
   *     {@link List} or {@link Map} (written in its iteration order) of such values
   * @throws IllegalArgumentException for any other type
   */
  public static String of(Object value) {
    if (value == null) {
      return "None";
    }
    if (value instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (value instanceof Integer || value instanceof Long) {
      return value.toString();
    }
    if (value instanceof CharSequence s) {
      return string(s.toString());
    }
    if (value instanceof List<?> list) {
      return list.stream().map(PythonLiterals::of).collect(Collectors.joining(", ", "[", "]"));
    }
    if (value instanceof Map<?, ?> map) {
      return map.entrySet().stream().map(e -> of(e.getKey()) + ": " + of(e.getValue()))
          .collect(Collectors.joining(", ", "{", "}"));
    }
    throw new IllegalArgumentException("Cannot write a " + value.getClass().getName() + " as a Python literal");
  }

  /** A double-quoted Python string literal that evaluates to {@code text}. */
  public static String string(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    text.codePoints().forEach(c -> {
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (printable(c)) {
            out.appendCodePoint(c);
          } else if (c <= 0xff) {
            out.append(String.format(Locale.ROOT, "\\x%02x", c));
          } else if (c <= 0xffff) {
            out.append(String.format(Locale.ROOT, "\\u%04x", c));
          } else {
            out.append(String.format(Locale.ROOT, "\\U%08x", c));
          }
        }
      }
    });
    return out.append('"').toString();
  }

  /**
   * The text of a double-quoted literal written by {@link #string}: its escapes decoded; empty when
   * {@code literal} is not one.
   */
  public static Optional<String> parseString(String literal) {
    if (literal.length() < 2 || literal.charAt(0) != '"' || literal.charAt(literal.length() - 1) != '"') {
      return Optional.empty();
    }
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < literal.length() - 1; i++) {
      char c = literal.charAt(i);
      if (c == '"') {
        return Optional.empty();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = i + 1 < literal.length() - 1 ? literal.charAt(++i) : '?';
      int hex = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
      switch (e) {
        case '\\', '"' -> out.append(e);
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        default -> {
          if (hex == 0 || i + hex > literal.length() - 2) {
            return Optional.empty();
          }
          int code;
          try {
            code = Integer.parseInt(literal.substring(i + 1, i + 1 + hex), 16);
          } catch (NumberFormatException bad) {
            return Optional.empty();
          }
          if (!Character.isValidCodePoint(code)) {
            return Optional.empty();
          }
          out.appendCodePoint(code);
          i += hex;
        }
      }
    }
    return Optional.of(out.toString());
  }

  /** Python's notion: not in categories Cc, Cf, Cs, Co, Cn, Zl, Zp, nor a space separator other than ' '. */
  private static boolean printable(int c) {
    if (c == ' ') {
      return true;
    }
    switch (Character.getType(c)) {
      case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
          Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> {
        return false;
      }
      default -> {
        return true;
      }
    }
  }
}
