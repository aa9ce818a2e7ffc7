package dev.lakemill.load;

import dev.lakemill.error.PipelineErrors;
import dev.lakemill.error.Problem;
import dev.lakemill.spec.SourceLocation;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pipeline's params as typed values, for binding into SQL: each value (default, environment or
 * {@code --param}) converted to the type of the param's default. A value that does not convert is
 * reported once, at the param's declaration.
 */
final class ParamValues {
  private final Map<String, String> values;
  private final Map<String, ParamTypes.Declared> declared;
  private final Map<String, SourceLocation> valueAt;
  private final List<Problem> problems;
  private final Map<String, Object> typed = new HashMap<>();
  private final Set<String> reported = new HashSet<>();

  /**
   * @param values the resolved params, as strings
   * @param declared each param's declared type; a param missing here is a string
   * @param valueAt where each value came from (the file, the environment or the command line)
   */
  ParamValues(Map<String, String> values, Map<String, ParamTypes.Declared> declared,
      Map<String, SourceLocation> valueAt, List<Problem> problems) {
    this.values = values;
    this.declared = declared;
    this.valueAt = valueAt;
    this.problems = problems;
  }

  Set<String> names() {
    return values.keySet();
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  /** The value of a declared param as its type, or null after reporting that it does not convert. */
  Object typed(String name) {
    if (typed.containsKey(name)) {
      return typed.get(name);
    }
    String text = values.get(name);
    ParamTypes.Declared d = declared.get(name);
    Object value = d == null ? text : ParamTypes.convert(d.type(), text);
    if (value == null && reported.add(name)) {
      SourceLocation from = valueAt.get(name);
      String source = from == null || from.file().equals(d.at().file()) ? "" : " (from " + from.file() + ")";
      problems.add(new Problem("params." + name, d.at(),
          PipelineErrors.paramOfWrongType(name, text, source, d.type().description(), d.defaultValue())));
    }
    typed.put(name, value);
    return value;
  }
}
