package dev.lakemill.registry;

import java.util.Map;

/** One candidate of a tuning grid: its parameter values and its average validation metric. */
public record TuningResult(Map<String, String> params, double metric) {
  public TuningResult {
    params = Map.copyOf(params);
  }
}
