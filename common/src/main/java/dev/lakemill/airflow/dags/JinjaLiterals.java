package dev.lakemill.airflow.dags;

/**
 * Jinja template text for values that Airflow renders (an operator's templated fields) but that must
 * arrive as they are. Airflow renders each templated string once with Jinja's default syntax: data is
 * copied through until a <code>{</code> opens a tag (<code>{{</code>, <code>{%</code>, <code>{#</code>),
 * line breaks are normalized and one trailing line break is dropped. So {@link #text} writes every
 * <code>{</code>, CR and LF of a value as a Jinja expression that prints that one character, and the
 * rest as plain data: the template holds no tag built from the value, and it renders to exactly the
 * value under any context.
 */
public final class JinjaLiterals {
  private JinjaLiterals() {}

  /**
   * Template text that renders as {@code value}: unchanged unless it holds <code>{</code>, CR or LF.
   * Pieces of template text built this way can be concatenated with each other and with lakemill's
   * own tags: no escaped piece ends inside a tag.
   */
  public static String text(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '{' -> out.append("{{ '{' }}");
        case '\r' -> out.append("{{ '\\r' }}");
        case '\n' -> out.append("{{ '\\n' }}");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * A single-quoted Jinja string literal that evaluates to {@code value}, for names inside lakemill's
   * own expressions (e.g. <code>params['run-date']</code>). Jinja decodes a string literal's backslash
   * escapes as Python's {@code unicode-escape} does, after turning non-ASCII characters into escapes.
   */
  public static String string(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('\'');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\'' -> out.append("\\'");
        case '\r' -> out.append("\\r");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
    return out.append('\'').toString();
  }
}
