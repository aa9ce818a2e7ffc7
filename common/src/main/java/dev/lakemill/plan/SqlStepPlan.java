package dev.lakemill.plan;

import dev.lakemill.spec.SourceLocation;
import java.util.List;
import java.util.Map;

/**
 * @param name step name
 * @param sql the SELECT, params as named parameter markers ({@code :x})
 * @param sqlAt where line 1 of the SQL is in the pipeline file, for runtime errors
 * @param args the values the markers of the SQL and of the check conditions bind, by marker name
 * @param inputs sources and steps read (inferred from the SQL plus explicit {@code inputs})
 * @param expectations rules applied to the SELECT's result, in declaration order
 * @param output the table written, or null for a view-only step
 * @param configHash hash of the step's canonical config
 */
public record SqlStepPlan(
    String name, String sql, SourceLocation sqlAt, Map<String, Object> args, List<String> inputs, List<ExpectationPlan> expectations, TablePlan output, String configHash)
    implements StepPlan {
  public SqlStepPlan {
    args = Map.copyOf(args);
    inputs = List.copyOf(inputs);
    expectations = List.copyOf(expectations);
  }

  @Override
  public <R> R accept(StepPlanVisitor<R> visitor) {
    return visitor.visitSql(this);
  }
}
