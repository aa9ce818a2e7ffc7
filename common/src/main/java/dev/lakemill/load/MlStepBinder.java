package dev.lakemill.load;

import dev.lakemill.error.PipelineErrors;
import dev.lakemill.spec.FeaturesStepSpec;
import dev.lakemill.spec.GateSpec;
import dev.lakemill.spec.MlStageSpec;
import dev.lakemill.spec.OutputSpec;
import dev.lakemill.spec.ScoreStepSpec;
import dev.lakemill.spec.SourceLocation;
import dev.lakemill.spec.SplitSpec;
import dev.lakemill.spec.TrainStepSpec;
import dev.lakemill.spec.TuningSpec;
import dev.lakemill.spec.ValidateStepSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Binds the MLlib lifecycle steps ({@code features}, {@code train}, {@code validate},
 * {@code score}). Keys and types only: MLlib class and parameter checks need the classes and belong
 * to the validator.
 */
final class MlStepBinder {
  private MlStepBinder() {}

  static FeaturesStepSpec features(String name, ObjectReader s, Function<ObjectReader, OutputSpec> output) {
    s.allowOnly(ConfigKeys.FEATURES_STEP, "a features step");
    String input = s.requiredString("input", "the source or step whose rows the stages transform, e.g. input = prepare");
    List<ObjectReader> stageBlocks = s.objectList("stages");
    List<MlStageSpec> stages = new ArrayList<>();
    if (stageBlocks == null) {
      if (!s.has("stages")) {
        s.problem(null, PipelineErrors.missingKey("stages", "the MLlib stages, e.g. stages = [{ type = VectorAssembler,"
            + " params { inputCols = [a, b], outputCol = features } }]"));
      }
    } else {
      if (stageBlocks.isEmpty()) {
        s.problem("stages", PipelineErrors.emptyStages());
      }
      for (ObjectReader stage : stageBlocks) {
        MlStageSpec spec = stage(stage, "a stage");
        if (spec != null) {
          stages.add(spec);
        }
      }
    }
    return new FeaturesStepSpec(name, input, stages, output.apply(s), s.at());
  }

  static TrainStepSpec train(String name, ObjectReader s) {
    s.allowOnly(ConfigKeys.TRAIN_STEP, "a train step");
    String input = s.requiredString("input", "the features step (or a step with a features column), e.g. input = features");
    String label = s.requiredString("label", "the label column, e.g. label = churned");
    SplitSpec split = split(s);
    MlStageSpec estimator = null;
    ObjectReader estimatorBlock = s.object("estimator");
    if (estimatorBlock == null) {
      if (!s.has("estimator")) {
        s.problem(null, PipelineErrors.missingKey("estimator", "the MLlib estimator, e.g. estimator { type ="
            + " GBTClassifier, params { maxIter = 30 } }"));
      }
    } else {
      estimator = stage(estimatorBlock, "an estimator");
    }
    String registerAs = s.string("register-as");
    if (registerAs != null && !SpecBinder.NAME.matcher(registerAs).matches()) {
      s.problem("register-as", PipelineErrors.badName("model", registerAs));
      registerAs = null;
    }
    return new TrainStepSpec(name, input, label, split, estimator, tuning(s), registerAs, s.at());
  }

  static ValidateStepSpec validate(String name, ObjectReader s) {
    s.allowOnly(ConfigKeys.VALIDATE_STEP, "a validate step");
    String model = s.requiredString("model", "the train step whose model is validated, e.g. model = train");
    List<String> metrics = s.stringList("metrics");
    List<GateSpec> gates = new ArrayList<>();
    List<ObjectReader> gateBlocks = s.objectList("gates");
    if (gateBlocks != null) {
      for (ObjectReader g : gateBlocks) {
        g.allowOnly(ConfigKeys.GATE, "a gate");
        String metric = g.requiredString("metric", "the metric compared, e.g. metric = areaUnderROC");
        List<GateSpec.Kind> kinds = new ArrayList<>();
        for (GateSpec.Kind k : GateSpec.Kind.values()) {
          if (g.has(k.key())) {
            kinds.add(k);
          }
        }
        if (kinds.size() != 1) {
          g.problem(null, PipelineErrors.gateKinds(kinds.size()));
          continue;
        }
        Double threshold = g.doubleValue(kinds.get(0).key());
        if (metric != null && threshold != null) {
          gates.add(new GateSpec(metric, kinds.get(0), threshold, g.at()));
        }
      }
    }
    String promoteTo = s.string("promote-to");
    if (promoteTo != null && !SpecBinder.NAME.matcher(promoteTo).matches()) {
      s.problem("promote-to", PipelineErrors.badName("alias", promoteTo));
      promoteTo = null;
    }
    return new ValidateStepSpec(name, model, metrics, gates, promoteTo, s.at());
  }

  static ScoreStepSpec score(String name, ObjectReader s, Function<ObjectReader, OutputSpec> output) {
    s.allowOnly(ConfigKeys.SCORE_STEP, "a score step");
    String model = s.requiredString("model", "the registered model, e.g. model = \"churn@champion\" or \"churn@v3\"");
    String input = s.requiredString("input", "the source or step to score, e.g. input = prepare");
    OutputSpec out = output.apply(s);
    if (out == null && !s.has("output")) {
      s.problem(null, PipelineErrors.missingKey("output", "the scores table, e.g. output = gold.churn_scores"));
    }
    return new ScoreStepSpec(name, model, input, out, s.at());
  }

  private static MlStageSpec stage(ObjectReader stage, String what) {
    stage.allowOnly(ConfigKeys.ML_STAGE, what);
    String type = stage.requiredString("type", "an MLlib class, e.g. type = VectorAssembler");
    Map<String, Object> params = stage.valueMap("params");
    Map<String, SourceLocation> paramsAt = new LinkedHashMap<>();
    ObjectReader paramBlock = stage.has("params") && stage.raw("params") instanceof com.typesafe.config.ConfigObject
        ? stage.object("params") : null;
    if (paramBlock != null) {
      for (String key : params.keySet()) {
        paramsAt.put(key, paramBlock.at(key));
      }
    }
    return type == null ? null : new MlStageSpec(type, params, paramsAt, stage.at());
  }

  private static SplitSpec split(ObjectReader step) {
    ObjectReader s = step.object("split");
    if (s == null) {
      if (!step.has("split")) {
        step.problem(null, PipelineErrors.missingKey("split", "how test rows are held out, e.g. split { test-fraction"
            + " = 0.2, seed = 42 } or split { by = event_date, test-from = \"2026-10-01\" }"));
      }
      return null;
    }
    s.allowOnly(ConfigKeys.SPLIT, "split");
    boolean random = s.has("test-fraction");
    boolean byTime = s.has("by") || s.has("test-from");
    if (random == byTime) {
      s.problem(null, PipelineErrors.splitKinds());
      return null;
    }
    Long seed = s.longValue("seed");
    if (random) {
      Double fraction = s.doubleValue("test-fraction");
      if (fraction != null && !(fraction > 0 && fraction < 1)) {
        s.problem("test-fraction", PipelineErrors.outOfRange("test-fraction", fraction, "between 0 and 1, e.g. 0.2"));
        return null;
      }
      return fraction == null ? null : new SplitSpec(fraction, seed == null ? 42L : seed, null, null, s.at());
    }
    String by = s.requiredString("by", "the time column, e.g. by = event_date");
    String from = s.requiredString("test-from", "the first value of the test split, e.g. test-from = \"2026-10-01\"");
    if (from != null && !from.matches("[A-Za-z0-9 :.+_-]+")) {
      s.problem("test-from", PipelineErrors.unsafeSplitValue(from));
      return null;
    }
    return by == null || from == null ? null : new SplitSpec(null, seed == null ? 42L : seed, by, from, s.at());
  }

  private static TuningSpec tuning(ObjectReader step) {
    ObjectReader t = step.object("tuning");
    if (t == null) {
      return null;
    }
    t.allowOnly(ConfigKeys.TUNING, "tuning");
    TuningSpec.Method method = t.enumValue("method", TuningSpec.Method.class);
    if (method == null && !t.has("method")) {
      t.problem(null, PipelineErrors.missingKey("method", "cross-validation or train-validation-split"));
    }
    Long folds = t.longValue("folds");
    Double trainRatio = t.doubleValue("train-ratio");
    if (method == TuningSpec.Method.CROSS_VALIDATION && t.has("train-ratio")) {
      t.problem("train-ratio", PipelineErrors.keyOfOtherMethod("train-ratio", "train-validation-split", "folds"));
    }
    if (method == TuningSpec.Method.TRAIN_VALIDATION_SPLIT && t.has("folds")) {
      t.problem("folds", PipelineErrors.keyOfOtherMethod("folds", "cross-validation", "train-ratio"));
    }
    if (folds != null && (folds < 2 || folds > 100)) {
      t.problem("folds", PipelineErrors.outOfRange("folds", folds, "between 2 and 100, e.g. 3"));
    }
    if (trainRatio != null && !(trainRatio > 0 && trainRatio < 1)) {
      t.problem("train-ratio", PipelineErrors.outOfRange("train-ratio", trainRatio, "between 0 and 1, e.g. 0.75"));
    }
    Long parallelism = t.longValue("parallelism");
    if (parallelism != null && (parallelism < 1 || parallelism > 64)) {
      t.problem("parallelism", PipelineErrors.outOfRange("parallelism", parallelism, "between 1 and 64"));
    }
    String metric = t.requiredString("metric", "the metric that picks the best candidate, e.g. metric = areaUnderROC");
    Map<String, List<Object>> grid = new LinkedHashMap<>();
    Map<String, SourceLocation> gridAt = new LinkedHashMap<>();
    ObjectReader gridBlock = t.object("grid");
    if (gridBlock == null) {
      if (!t.has("grid")) {
        t.problem(null, PipelineErrors.missingKey("grid", "estimator params to try, e.g. grid { maxDepth = [3, 5] }"));
      }
    } else {
      Map<String, Object> values = t.valueMap("grid");
      for (Map.Entry<String, Object> e : values.entrySet()) {
        List<Object> options = e.getValue() instanceof List<?> l ? new ArrayList<>(l) : List.of(e.getValue());
        if (options.isEmpty()) {
          gridBlock.problem(e.getKey(), PipelineErrors.emptyGridEntry(e.getKey()));
        }
        grid.put(e.getKey(), options);
        gridAt.put(e.getKey(), gridBlock.at(e.getKey()));
      }
      if (values.isEmpty()) {
        t.problem("grid", PipelineErrors.emptyGrid());
      }
    }
    return new TuningSpec(method == null ? TuningSpec.Method.CROSS_VALIDATION : method,
        folds == null ? 3 : folds.intValue(), trainRatio == null ? 0.75 : trainRatio, metric,
        parallelism == null ? 1 : parallelism.intValue(), grid, gridAt, t.at());
  }
}
