package dev.lakemill.spec;

/**
 * How a {@code train} step holds out its test rows: at random ({@code test-fraction}, {@code seed})
 * or by time ({@code by}, {@code test-from}: rows whose {@code by} column is at or after
 * {@code test-from} are the test split).
 *
 * @param testFraction share of rows held out, in (0, 1); null for a split by time
 * @param seed seed of the random split
 * @param by column of a split by time, or null
 * @param testFrom first value of the test split (a SQL literal's text, e.g. a date), or null
 * @param at where the split was declared
 */
public record SplitSpec(Double testFraction, long seed, String by, String testFrom, SourceLocation at) {
  public boolean byTime() {
    return by != null;
  }
}
