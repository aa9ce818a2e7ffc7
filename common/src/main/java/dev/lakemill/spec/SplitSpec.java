package dev.lakemill.spec;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
  private static final Pattern RANDOM = Pattern.compile("test-fraction=(\\S+) seed=(-?[0-9]+)");
  private static final Pattern BY_TIME = Pattern.compile("by=(.+?) test-from=(.+)");

  public boolean byTime() {
    return by != null;
  }

  /**
   * The rule as the registry records it: {@code test-fraction=0.2 seed=42} or
   * {@code by=event_date test-from=2026-10-01}; {@link #parse} reads it back.
   */
  public String describe() {
    return byTime() ? "by=" + by + " test-from=" + testFrom : "test-fraction=" + testFraction + " seed=" + seed;
  }

  /** The split a {@link #describe()} text records (without a location); empty when the text is neither form. */
  public static Optional<SplitSpec> parse(String text) {
    Matcher random = RANDOM.matcher(text == null ? "" : text);
    if (random.matches()) {
      try {
        return Optional.of(new SplitSpec(Double.parseDouble(random.group(1)), Long.parseLong(random.group(2)), null,
            null, null));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    Matcher byTime = BY_TIME.matcher(text == null ? "" : text);
    return byTime.matches()
        ? Optional.of(new SplitSpec(null, 42L, byTime.group(1), byTime.group(2), null))
        : Optional.empty();
  }
}
