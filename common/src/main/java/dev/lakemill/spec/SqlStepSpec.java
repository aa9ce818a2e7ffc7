package dev.lakemill.spec;

import java.util.List;
import java.util.Map;

/**
 * A {@code type = sql} step: one SELECT over sources and earlier steps.
 *
 * @param name step name
 * @param sql the SELECT, with each {@code ${params.x}} rewritten into a named parameter marker
 *     ({@code :x}); null if it failed to bind (the problem has been reported)
 * @param sqlAt where the SQL text starts: line 1 of the SQL is this line of the file
 * @param args the values the markers of the SQL and of the checks bind, by marker name: Integer, Long,
 *     Double, Boolean, LocalDate or String, the type of each param's default
 * @param inputs explicit {@code inputs}; the planner adds every source or step the SQL references
 * @param expectations data quality rules applied to the SELECT's result, in declaration order
 * @param output where the result goes, or null for a view-only step
 * @param at where the step was declared
 */
public record SqlStepSpec(
    String name,
    String sql,
    SourceLocation sqlAt,
    Map<String, Object> args,
    List<String> inputs,
    List<ExpectationSpec> expectations,
    OutputSpec output,
    SourceLocation at)
    implements StepSpec {
  public SqlStepSpec {
    args = Map.copyOf(args);
    inputs = inputs == null ? List.of() : List.copyOf(inputs);
    expectations = expectations == null ? List.of() : List.copyOf(expectations);
  }
}
