package dev.lakemill.load;

import dev.lakemill.error.PipelineErrors;
import dev.lakemill.error.Problem;
import dev.lakemill.spec.SourceLocation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites {@code ${params.x}} in one step's SQL and checks into Spark's named parameter markers and
 * collects the values they bind: a param reaches SQL as a value, never as text.
 *
 * <ul>
 *   <li>Outside quotes: {@code ${params.x}} becomes {@code :x}, a value of the param's type.
 *   <li>Inside a string literal: {@code 'day=${params.d}'} becomes {@code concat('day=', CAST(:d AS
 *       STRING))}, and {@code '${params.d}'} becomes {@code CAST(:d AS STRING)}: still a string.
 *   <li>A typed literal: {@code DATE '${params.d}'} becomes {@code CAST(:d AS DATE)} (also TIMESTAMP,
 *       TIMESTAMP_NTZ, TIMESTAMP_LTZ).
 *   <li>In a name (inside back-quotes, or glued to a name: {@code t_${params.x}}, {@code s.${params.x}}):
 *       rejected. Comments are left alone.
 * </ul>
 *
 * Markers are the param's name, or {@code p_} and the name with other characters as {@code _} when
 * the name is not a plain identifier ({@code run-date} is {@code :p_run_date}). Line breaks are kept,
 * so line {@code n} of the rewritten text is line {@code n} of the text as written.
 */
public final class SqlParams {
  static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{\\??([^}]*)}");
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern TYPED_LITERAL =
      Pattern.compile("(?i)(?<![A-Za-z0-9_])(DATE|TIMESTAMP|TIMESTAMP_NTZ|TIMESTAMP_LTZ)(\\s*)$");

  private final ParamValues params;
  private final List<Problem> problems;
  private final Map<String, String> markers = new LinkedHashMap<>();
  private final Map<String, Object> args = new TreeMap<>();

  SqlParams(ParamValues params, List<Problem> problems) {
    this.params = params;
    this.problems = problems;
  }

  /** The marker of a param: its name if that is a plain identifier, else {@code p_} and a cleaned name. */
  public static String marker(String param) {
    return PLAIN.matcher(param).matches() ? param : "p_" + param.replaceAll("[^A-Za-z0-9_]", "_");
  }

  /** The values the rewritten texts bind, by marker name. */
  Map<String, Object> args() {
    return Collections.unmodifiableMap(new TreeMap<>(args));
  }

  /**
   * @param text SQL as written
   * @param textAt where line 1 of the text is
   * @param what for messages: {@code SQL} or {@code check}
   * @return the text with markers, or null if a problem was recorded
   */
  String rewrite(String text, SourceLocation textAt, String path, String what) {
    StringBuilder out = new StringBuilder();
    boolean ok = true;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      int end;
      if (c == '\'' || c == '"') {
        end = endOfQuoted(text, i, c, true);
        ok &= literal(text.substring(i, end), c, text, i, out, textAt, path, what);
      } else if (c == '`') {
        end = endOfQuoted(text, i, '`', false);
        ok &= noPlaceholder(text, i, end, textAt, path, what);
        out.append(text, i, end);
      } else if (text.startsWith("--", i)) {
        end = text.indexOf('\n', i) < 0 ? text.length() : text.indexOf('\n', i);
        out.append(text, i, end);
      } else if (text.startsWith("/*", i)) {
        end = endOfComment(text, i);
        out.append(text, i, end);
      } else if (text.startsWith("${", i)) {
        Matcher m = PLACEHOLDER.matcher(text).region(i, text.length());
        end = m.lookingAt() ? m.end() : i + 2;
        String marker = m.lookingAt() ? bind(m.group(1).trim(), text, i, textAt, path, what) : null;
        if (marker == null) {
          ok = false;
        } else if (isNamePart(text, i - 1) || isNamePart(text, end)) {
          problems.add(new Problem(path, at(textAt, text, i), PipelineErrors.paramAsName(paramOf(marker), what)));
          ok = false;
        } else {
          out.append(':').append(marker);
        }
      } else {
        end = i + 1;
        out.append(c);
      }
      i = end;
    }
    return ok ? out.toString() : null;
  }

  /** A string literal: unchanged without placeholders, else a concatenation of its pieces and markers. */
  private boolean literal(String literal, char quote, String text, int start, StringBuilder out,
      SourceLocation textAt, String path, String what) {
    Matcher m = PLACEHOLDER.matcher(literal);
    if (!m.find()) {
      out.append(literal);
      return true;
    }
    boolean closed = literal.length() > 1 && literal.charAt(literal.length() - 1) == quote;
    String body = literal.substring(1, closed ? literal.length() - 1 : literal.length());
    List<String> parts = new ArrayList<>();
    boolean ok = true;
    int from = 0;
    m = PLACEHOLDER.matcher(body);
    while (m.find()) {
      if (m.start() > from) {
        parts.add(quote + body.substring(from, m.start()) + quote);
      }
      String marker = bind(m.group(1).trim(), text, start + 1 + m.start(), textAt, path, what);
      ok &= marker != null;
      parts.add("CAST(:" + marker + " AS STRING)");
      from = m.end();
    }
    if (from < body.length()) {
      parts.add(quote + body.substring(from) + quote);
    }
    String value = parts.size() == 1 ? parts.get(0) : "concat(" + String.join(", ", parts) + ")";
    Matcher typed = TYPED_LITERAL.matcher(out);
    if (typed.find()) {
      String type = typed.group(1).toUpperCase(Locale.ROOT);
      out.replace(typed.start(), typed.start(1) + typed.group(1).length(), "CAST(");
      value = parts.size() == 1 && value.startsWith("CAST(:") ? value.substring(5, value.length() - 11) : value;
      out.append(value).append(" AS ").append(type).append(')');
    } else {
      out.append(value);
    }
    return ok;
  }

  /** Resolves a reference to a param and records its value; null after recording a problem. */
  private String bind(String reference, String text, int offset, SourceLocation textAt, String path, String what) {
    String name = reference.startsWith(ConfigKeys.PARAMS_PREFIX) ? reference.substring(ConfigKeys.PARAMS_PREFIX.length())
        : null;
    SourceLocation at = at(textAt, text, offset);
    String whatIn = what.equals("SQL") ? "SQL" : "the " + what;
    if (name == null) {
      problems.add(new Problem(path, at, PipelineErrors.substitutionNotParam(reference, whatIn)));
      return null;
    }
    if (!params.has(name)) {
      problems.add(new Problem(path, at, PipelineErrors.unresolvedParam(reference, name, params.names(), whatIn)));
      return null;
    }
    Object value = params.typed(name);
    if (value == null) {
      return null;
    }
    String marker = markers.computeIfAbsent(name, n -> unique(marker(n)));
    args.put(marker, value);
    return marker;
  }

  private String unique(String marker) {
    String candidate = marker;
    for (int n = 2; markers.containsValue(candidate); n++) {
      candidate = marker + "_" + n;
    }
    return candidate;
  }

  private String paramOf(String marker) {
    return markers.entrySet().stream().filter(e -> e.getValue().equals(marker)).map(Map.Entry::getKey)
        .findFirst().orElse(marker);
  }

  private boolean noPlaceholder(String text, int start, int end, SourceLocation textAt, String path, String what) {
    Matcher m = PLACEHOLDER.matcher(text).region(start, end);
    if (!m.find()) {
      return true;
    }
    String reference = m.group(1).trim();
    String name = reference.startsWith(ConfigKeys.PARAMS_PREFIX)
        ? reference.substring(ConfigKeys.PARAMS_PREFIX.length()) : reference;
    problems.add(new Problem(path, at(textAt, text, m.start()), PipelineErrors.paramAsName(name, what)));
    return false;
  }

  private static boolean isNamePart(String text, int index) {
    if (index < 0 || index >= text.length()) {
      return false;
    }
    char c = text.charAt(index);
    return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '`';
  }

  /** The index after the closing quote (or the end of the text); backslash escapes only in strings. */
  private static int endOfQuoted(String text, int start, char quote, boolean backslash) {
    for (int i = start + 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (backslash && c == '\\') {
        i++;
      } else if (c == quote) {
        return i + 1;
      }
    }
    return text.length();
  }

  /** Spark's bracketed comments nest. */
  private static int endOfComment(String text, int start) {
    int depth = 0;
    for (int i = start; i < text.length() - 1; i++) {
      if (text.startsWith("/*", i)) {
        depth++;
        i++;
      } else if (text.startsWith("*/", i)) {
        depth--;
        i++;
        if (depth == 0) {
          return i + 1;
        }
      }
    }
    return text.length();
  }

  private static SourceLocation at(SourceLocation textAt, String text, int offset) {
    int line = 0;
    for (int i = 0; i < offset && i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return textAt.plusLines(line);
  }
}
