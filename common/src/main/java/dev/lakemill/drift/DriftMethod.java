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

  public static Optional<DriftMethod> parse(String name) {
    for (DriftMethod m : values()) {
      if (m.configName().equals(name)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}
