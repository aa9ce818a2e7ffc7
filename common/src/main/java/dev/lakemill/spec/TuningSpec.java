package dev.lakemill.spec;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code tuning { method, folds | train-ratio, metric, parallelism, grid { param = [values] } }}.
 *
 * @param method how candidates are compared
 * @param folds folds of {@code cross-validation}
 * @param trainRatio training share of {@code train-validation-split}
 * @param metric the metric that picks the best candidate
 * @param parallelism how many candidates are fitted at once
 * @param grid estimator parameter values to try, by MLlib parameter name, in declaration order
 * @param gridAt where each grid entry was declared
 * @param at where the block was declared
 */
public record TuningSpec(
    Method method,
    int folds,
    double trainRatio,
    String metric,
    int parallelism,
    Map<String, List<Object>> grid,
    Map<String, SourceLocation> gridAt,
    SourceLocation at) {
  public TuningSpec {
    grid = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(grid));
    gridAt = Map.copyOf(gridAt);
  }

  /** Values of {@code tuning.method}. */
  public enum Method {
    CROSS_VALIDATION,
    TRAIN_VALIDATION_SPLIT;

    public String key() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }
}
