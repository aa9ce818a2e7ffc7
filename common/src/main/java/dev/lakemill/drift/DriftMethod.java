package dev.lakemill.drift;

import java.util.Locale;
import java.util.Optional;

/**
 * The drift methods, with Evidently's names, kinds and default thresholds. A statistical test drifts
 * when its p-value is below the threshold; a distance drifts when its value is at or above it.
 */
public enum DriftMethod {
  KS(true, 0.05),
  CHISQUARE(true, 0.05),
  Z(true, 0.05),
  WASSERSTEIN(false, 0.1),
  PSI(false, 0.1),
  JENSENSHANNON(false, 0.1);

  private final boolean test;
  private final double defaultThreshold;

  DriftMethod(boolean test, double defaultThreshold) {
    this.test = test;
    this.defaultThreshold = defaultThreshold;
  }

  /** The name used in pipeline files and in the drift table: {@code ks}, {@code psi}, ... */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True for statistical tests (judged by p-value), false for distances (judged by value). */
  public boolean isTest() {
    return test;
  }

  public double defaultThreshold() {
    return defaultThreshold;
  }

  /** Whether a column drifted: p-value below the threshold for tests, value at or above it for distances. */
  public boolean drifted(double value, double pValue, double threshold) {
    return test ? pValue < threshold : value >= threshold;
  }

  /** True for the methods that compare values on a line (KS, Wasserstein): numeric columns only. */
  public boolean needsNumericValues() {
    return this == KS || this == WASSERSTEIN;
  }

  /**
   * Evidently's default method. With at most 1000 non-null reference values: {@code ks} for numeric columns
   * (more than 5 distinct values), otherwise {@code chisquare} with more than 2 distinct values, else
   * {@code z}. With more reference values: {@code wasserstein} for numeric columns, else {@code jensenshannon}.
   *
   * @param distinctValues distinct non-null values of both samples together
   * @param referenceValues non-null values of the reference
   */
  public static DriftMethod defaultFor(ColumnKind kind, long distinctValues, long referenceValues) {
    if (referenceValues <= 1000) {
      if (kind == ColumnKind.NUMERIC) {
        return KS;
      }
      return distinctValues > 2 ? CHISQUARE : Z;
    }
    return kind == ColumnKind.NUMERIC ? WASSERSTEIN : JENSENSHANNON;
  }

  public static Optional<DriftMethod> parse(String name) {
    for (DriftMethod m : values()) {
      if (m.configName().equals(name)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}
