package dev.lakemill.spec;

import java.util.List;

/**
 * One entry of a step's {@code expectations { <name> { ... } }}. Exactly one of {@code check},
 * {@code unique} and {@code not-null} is set.
 *
 * @param name the expectation's key; recorded in the ledger and in quarantined rows
 * @param check a SQL boolean expression that every row must satisfy; a row where it is false or NULL
 *     violates it. Params in it are named parameter markers, as in the step's SQL. Null when the
 *     expectation is of another kind
 * @param unique columns whose combined value must be unique; every row of a duplicated key violates
 *     it. Empty when the expectation is of another kind
 * @param notNull columns that must not be NULL. Empty when the expectation is of another kind
 * @param onViolation what violating rows do: {@code warn} (kept, counted), {@code drop} (moved to the
 *     quarantine table {@code <output>_quarantine}) or {@code fail} (the step stops before writing)
 * @param at where the expectation was declared
 */
public record ExpectationSpec(
    String name,
    String check,
    List<String> unique,
    List<String> notNull,
    OnViolation onViolation,
    SourceLocation at) {
  public ExpectationSpec {
    unique = unique == null ? List.of() : List.copyOf(unique);
    notNull = notNull == null ? List.of() : List.copyOf(notNull);
    onViolation = onViolation == null ? OnViolation.FAIL : onViolation;
  }
}
