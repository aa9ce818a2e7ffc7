package dev.lakemill.registry;

/**
 * One gate as a validate step evaluated it.
 *
 * @param metric the metric
 * @param kind the gate key, e.g. {@code at-least-champion-minus}
 * @param threshold the threshold as written
 * @param value the challenger's value on its holdout
 * @param bound the value it had to reach: the threshold, or the champion's value -/+ the threshold
 * @param championVersion the champion compared against, or 0 when none (or for absolute gates)
 * @param championValue the champion's value on the challenger's holdout, or NaN
 * @param passed whether the gate passed
 */
public record GateResult(String metric, String kind, double threshold, double value, double bound, int championVersion,
    double championValue, boolean passed) {
  /** One line for messages and {@code models show}. */
  public String describe() {
    String against = championVersion > 0
        ? String.format(java.util.Locale.ROOT, " (champion v%d: %.4f)", championVersion, championValue)
        : kind.contains("champion") ? " (no champion yet)" : "";
    return String.format(java.util.Locale.ROOT, "%s %s %s: %.4f vs %s %.4f%s", passed ? "PASS" : "FAIL", metric, kind,
        value, kind.startsWith("at-least") ? ">=" : "<=", bound, against);
  }
}
