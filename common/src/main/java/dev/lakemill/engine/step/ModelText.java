package dev.lakemill.engine.step;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** How metrics are printed in progress lines and by the CLI. */
public final class ModelText {
  private ModelText() {}

  /** {@code areaUnderROC 0.8612, f1 0.8011}, in the order {@code ProblemType} lists metrics. */
  public static String metrics(Map<String, Double> metrics) {
    return metrics.entrySet().stream()
        .sorted(Map.Entry.comparingByKey(dev.lakemill.plan.ProblemType.METRIC_ORDER))
        .map(e -> String.format(Locale.ROOT, "%s %.4f", e.getKey(), e.getValue()))
        .collect(Collectors.joining(", "));
  }
}
