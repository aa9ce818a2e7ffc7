package dev.lakemill.plan;

import dev.lakemill.spec.OnViolation;
import java.util.List;

/**
 * @param name expectation name
 * @param kind {@code check}, {@code unique} or {@code not-null}
 * @param condition for {@code check}: the SQL condition every row must satisfy (NULL counts as a
 *     violation); for {@code not-null}: the generated condition; null for {@code unique}
 * @param columns for {@code unique} and {@code not-null}: the columns
 * @param onViolation warn, drop or fail
 */
public record ExpectationPlan(String name, String kind, String condition, List<String> columns, OnViolation onViolation) {
  public ExpectationPlan {
    columns = List.copyOf(columns);
  }
}
