package dev.lakemill.spec;

import java.util.Map;

/**
 * One MLlib stage or estimator: {@code { type = StringIndexer, params { inputCols = [plan] } }}.
 *
 * @param type an MLlib class: a simple name from {@code org.apache.spark.ml.feature},
 *     {@code .classification}, {@code .regression}, {@code .clustering}, {@code .recommendation}, or a
 *     fully qualified class name
 * @param params MLlib parameter values by MLlib's own parameter names, as HOCON gives them: String,
 *     Number, Boolean, or a List of those
 * @param paramsAt where each parameter was declared
 * @param at where the stage was declared
 */
public record MlStageSpec(String type, Map<String, Object> params, Map<String, SourceLocation> paramsAt, SourceLocation at) {
  public MlStageSpec {
    params = Map.copyOf(params);
    paramsAt = Map.copyOf(paramsAt);
  }

  /** Where {@code param} was declared, else where the stage was. */
  public SourceLocation at(String param) {
    return paramsAt.getOrDefault(param, at);
  }
}
