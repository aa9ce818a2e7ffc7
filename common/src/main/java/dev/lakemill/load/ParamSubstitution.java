package dev.lakemill.load;

import dev.lakemill.error.PipelineErrors;
import dev.lakemill.error.Problem;
import dev.lakemill.spec.SourceLocation;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${params.x}} inside a drift step's report path, a file name rather than SQL (SQL binds
 * params as values: {@link SqlParams}). HOCON leaves quoted strings alone, so lakemill does this
 * itself, after {@code --param} overrides. Values with quotes, semicolons, comment markers,
 * backslashes or line breaks are rejected rather than pasted in.
 */
final class ParamSubstitution {
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{\\??([^}]*)}");
  private static final Pattern UNSAFE = Pattern.compile("['\"`;\\\\\\r\\n]|--|/\\*|\\*/");

  private ParamSubstitution() {}

  /**
   * @param text the text as written
   * @param textAt the line where the text starts; line {@code n} of it is {@code textAt.line() + n - 1}
   * @param what what the text is, for messages: {@code the report path}
   * @return the substituted text, or null if a problem was recorded
   */
  static String apply(String text, Map<String, String> params, SourceLocation textAt, String path,
      List<Problem> problems, String what) {
    Matcher m = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    boolean ok = true;
    while (m.find()) {
      String ref = m.group(1).trim();
      SourceLocation at = textAt.plusLines(lineOf(text, m.start()) - 1);
      String name = ref.startsWith(ConfigKeys.PARAMS_PREFIX) ? ref.substring(7) : null;
      String value = name == null ? null : params.get(name);
      String problem = name == null ? PipelineErrors.substitutionNotParam(ref, what)
          : value == null ? PipelineErrors.unresolvedParam(ref, name, params.keySet(), what)
          : UNSAFE.matcher(value).find() ? PipelineErrors.unsafeParam(name, value, what)
          : null;
      if (problem != null) {
        problems.add(new Problem(path, at, problem));
        ok = false;
      } else {
        m.appendReplacement(out, Matcher.quoteReplacement(value));
      }
    }
    m.appendTail(out);
    return ok ? out.toString() : null;
  }

  private static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }
}
