package dev.lakemill.plan;

import java.util.List;
import java.util.Set;

/** What an estimator predicts, which decides the metrics that can judge it. */
public enum ProblemType {
  CLASSIFICATION(List.of("areaUnderROC", "areaUnderPR", "f1", "accuracy", "weightedPrecision", "weightedRecall", "logLoss")),
  REGRESSION(List.of("rmse", "mse", "mae", "r2")),
  CLUSTERING(List.of("silhouette")),
  /** Estimators without a standard evaluator here (e.g. ALS): trained and registered, not gated. */
  OTHER(List.of());

  private static final List<String> ALL_METRICS =
      java.util.Arrays.stream(values()).flatMap(t -> t.metrics.stream()).toList();

  /** Orders metric names as the problem types list them (unknown names last, alphabetically). */
  public static final java.util.Comparator<String> METRIC_ORDER = java.util.Comparator.<String>comparingInt(
      m -> ALL_METRICS.contains(m) ? ALL_METRICS.indexOf(m) : Integer.MAX_VALUE).thenComparing(m -> m);

  private static final Set<String> LOWER_IS_BETTER = Set.of("rmse", "mse", "mae", "logLoss");

  private final List<String> metrics;

  ProblemType(List<String> metrics) {
    this.metrics = metrics;
  }

  /** The metrics lakemill computes on the holdout for this problem type. */
  public List<String> metrics() {
    return metrics;
  }

  public String key() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** True for error metrics (rmse, mse, mae, logLoss), where a smaller value is better. */
  public static boolean lowerIsBetter(String metric) {
    return LOWER_IS_BETTER.contains(metric);
  }

  /** The problem type whose metrics include {@code metric}, or null. */
  public static ProblemType ofMetric(String metric) {
    for (ProblemType t : values()) {
      if (t.metrics.contains(metric)) {
        return t;
      }
    }
    return null;
  }
}
