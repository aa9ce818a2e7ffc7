package dev.lakemill.plan;

import java.util.Map;

/**
 * An MLlib stage ready to instantiate: its class and parameter values (as the pipeline file gave
 * them; runners convert them with the same code that validated them).
 */
public record MlStagePlan(String className, Map<String, Object> params) {
  public MlStagePlan {
    params = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(params));
  }

  public String simpleName() {
    return className.substring(className.lastIndexOf('.') + 1);
  }
}
