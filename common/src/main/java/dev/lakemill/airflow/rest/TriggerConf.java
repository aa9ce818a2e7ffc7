package dev.lakemill.airflow.rest;

import dev.lakemill.load.ConfigKeys;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The conf of a DAG run lakemill triggers: a JSON object, plus params given one by one
 * ({@code --param name=value}). A generated DAG passes each conf key that names one of its pipeline's
 * params to every task as {@code --param name=value}, so param names follow lakemill's name rule
 * ({@link ConfigKeys#isName}); a value is sent typed by {@link ParamTypes} ({@code 3000} as a number,
 * {@code true} as a boolean), the way the DAG's {@code Param}s are typed, so that Airflow accepts it.
 */
public final class TriggerConf {
  private TriggerConf() {}

  /**
   * {@code json} with {@code params} added.
   *
   * @throws dev.lakemill.error.LakemillException (invalid input) for a param name lakemill cannot use, or a
   *     param also given in {@code json} with another value
   */
  public static Map<String, Object> merge(Map<String, ?> json, Map<String, String> params) {
    Map<String, Object> conf = new LinkedHashMap<>(json);
    for (Map.Entry<String, String> p : params.entrySet()) {
      String name = p.getKey();
      if (!ConfigKeys.isName(name)) {
        throw AirflowErrors.badParamName(name);
      }
      Object before = conf.get(name);
      if (before != null && !Objects.equals(String.valueOf(before), p.getValue())) {
        throw AirflowErrors.paramConflict(name, before, p.getValue());
      }
      conf.put(name, before != null ? before : ParamTypes.value(p.getValue()));
    }
    return Collections.unmodifiableMap(conf);
  }
}
