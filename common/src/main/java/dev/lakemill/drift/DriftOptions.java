package dev.lakemill.drift;

import java.util.Map;
import java.util.Optional;

/**
 * How to compare columns. {@code methods} overrides the default method per column; {@code thresholds}
 * maps a column name or a method name ({@code ks}, {@code psi}, ...) to a threshold, the column winning
 * over the method; {@code exactMaxRows} is the per-side row count up to which KS and Wasserstein are
 * computed exactly from the raw values.
 */
public record DriftOptions(Map<String, DriftMethod> methods, Map<String, Double> thresholds, long exactMaxRows) {
  public static final long DEFAULT_EXACT_MAX_ROWS = 100_000;

  public DriftOptions {
    methods = Map.copyOf(methods);
    thresholds = Map.copyOf(thresholds);
    if (exactMaxRows < 0) {
      throw new IllegalArgumentException("exact-max-rows must be >= 0, got " + exactMaxRows);
    }
  }

  public static DriftOptions defaults() {
    return new DriftOptions(Map.of(), Map.of(), DEFAULT_EXACT_MAX_ROWS);
  }

  public Optional<DriftMethod> methodFor(String column) {
    return Optional.ofNullable(methods.get(column));
  }

  /** The threshold for this column and method: the column's own, else the method's, else the method default. */
  public double thresholdFor(String column, DriftMethod method) {
    Double t = thresholds.get(column);
    if (t == null) {
      t = thresholds.get(method.configName());
    }
    return t == null ? method.defaultThreshold() : t;
  }
}
