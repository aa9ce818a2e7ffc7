package dev.lakemill.ledger;

/**
 * How many rows violated one expectation in one step run.
 *
 * @param name expectation name
 * @param onViolation warn, drop or fail
 * @param violations violating rows
 */
public record ExpectationCount(String name, String onViolation, long violations) {}
