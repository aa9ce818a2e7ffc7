package dev.lakemill.load;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import dev.lakemill.error.PipelineErrors;
import dev.lakemill.error.Problem;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds HOCON substitutions outside the quotes of a step's {@code sql} or an expectation's
 * {@code check} ({@code sql = "... a = '"${params.p}"'"}): HOCON resolves those itself and pastes the
 * value into the text, before lakemill could bind it. Looks at the file as written, unresolved.
 */
final class UnquotedSubstitutions {
  private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{\\??\\s*([^}]*?)\\s*}");

  private UnquotedSubstitutions() {}

  static void find(Config parsed, List<Problem> problems) {
    if (!(parsed.root().get("steps") instanceof ConfigObject steps)) {
      return;
    }
    for (Map.Entry<String, ConfigValue> step : steps.entrySet()) {
      String path = "steps." + step.getKey();
      if (!(step.getValue() instanceof ConfigObject s)) {
        continue;
      }
      check(field(s, "sql"), path + ".sql", "sql", problems);
      if (field(s, "expectations") instanceof ConfigObject expectations) {
        for (Map.Entry<String, ConfigValue> e : expectations.entrySet()) {
          if (e.getValue() instanceof ConfigObject expectation) {
            check(field(expectation, "check"), path + ".expectations." + e.getKey() + ".check", "check", problems);
          }
        }
      }
    }
  }

  private static ConfigValue field(ConfigObject object, String key) {
    try {
      return object.get(key);
    } catch (ConfigException e) {
      return null; // an object merged with substitutions; the resolved config is checked as usual
    }
  }

  private static void check(ConfigValue value, String path, String key, List<Problem> problems) {
    if (value == null || isResolved(value)) {
      return;
    }
    String outsideQuotes = QUOTED.matcher(value.render(ConfigRenderOptions.concise())).replaceAll("");
    Matcher m = REFERENCE.matcher(outsideQuotes);
    if (m.find()) {
      problems.add(new Problem(path, Origins.location(value.origin()), PipelineErrors.unquotedSubstitution(m.group(1), key)));
    }
  }

  private static boolean isResolved(ConfigValue value) {
    try {
      value.valueType();
      return true;
    } catch (ConfigException.NotResolved e) {
      return false;
    }
  }
}
