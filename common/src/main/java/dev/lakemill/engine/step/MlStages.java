package dev.lakemill.engine.step;

import dev.lakemill.check.MllibParams;
import dev.lakemill.plan.MlStagePlan;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.Params;

/** Instantiates MLlib stages from plans, with the same value conversion that validated them. */
final class MlStages {
  private MlStages() {}

  static PipelineStage create(MlStagePlan plan) {
    try {
      PipelineStage stage = (PipelineStage) Class.forName(plan.className()).getConstructor().newInstance();
      for (Map.Entry<String, Object> p : plan.params().entrySet()) {
        MllibParams.set(stage, p.getKey(), p.getValue());
      }
      return stage;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Cannot create " + plan.className() + ": " + e, e);
    }
  }

  /** Sets {@code param} on {@code stage} unless the pipeline file set it. */
  static void setDefault(Params stage, MlStagePlan plan, String param, Object value) {
    if (stage.hasParam(param) && !plan.params().containsKey(param)) {
      MllibParams.set(stage, param, value);
    }
  }

  /** Every combination of the grid's values, in declaration order, as MLlib param maps. */
  @SuppressWarnings("unchecked")
  static ParamMap[] grid(Params estimator, Map<String, List<Object>> grid) {
    List<ParamMap> maps = new java.util.ArrayList<>(List.of(new ParamMap()));
    for (Map.Entry<String, List<Object>> e : grid.entrySet()) {
      Param<Object> param = (Param<Object>) estimator.getParam(e.getKey());
      List<ParamMap> next = new java.util.ArrayList<>();
      for (ParamMap base : maps) {
        for (Object value : e.getValue()) {
          next.add(base.copy().put(param, MllibParams.checked(param, value)));
        }
      }
      maps = next;
    }
    return maps.toArray(ParamMap[]::new);
  }

  /** A param map as {@code name -> JSON value}, for the registry. */
  @SuppressWarnings("unchecked")
  static Map<String, String> describe(ParamMap map) {
    Map<String, String> out = new java.util.TreeMap<>();
    for (org.apache.spark.ml.param.ParamPair<?> pair : scala.jdk.javaapi.CollectionConverters.asJava(map.toSeq())) {
      Param<Object> param = (Param<Object>) pair.param();
      out.put(param.name(), param.jsonEncode(pair.value()));
    }
    return out;
  }
}
