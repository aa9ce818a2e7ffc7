package dev.lakemill.spec;

import java.util.Locale;

/**
 * One gate of a {@code validate} step, e.g. {@code { metric = areaUnderROC, at-least = 0.75 }}.
 *
 * @param metric the metric compared
 * @param kind how the threshold is read
 * @param threshold the threshold (absolute, or the allowed distance from the champion)
 * @param at where the gate was declared
 */
public record GateSpec(String metric, Kind kind, double threshold, SourceLocation at) {
  /** The four gate keys. */
  public enum Kind {
    /** value >= threshold */
    AT_LEAST,
    /** value <= threshold */
    AT_MOST,
    /** value >= champion's value on the same holdout - threshold; passes without a champion */
    AT_LEAST_CHAMPION_MINUS,
    /** value <= champion's value on the same holdout + threshold; passes without a champion */
    AT_MOST_CHAMPION_PLUS;

    public String key() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public boolean againstChampion() {
      return this == AT_LEAST_CHAMPION_MINUS || this == AT_MOST_CHAMPION_PLUS;
    }
  }
}
