package dev.lakemill.load;

import com.typesafe.config.ConfigObject;
import dev.lakemill.drift.DriftMethod;
import dev.lakemill.error.PipelineErrors;
import dev.lakemill.error.Problem;
import dev.lakemill.spec.DriftStepSpec;
import dev.lakemill.spec.OutputSpec;
import dev.lakemill.spec.SourceLocation;
import dev.lakemill.spec.WriteMode;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Binds {@code type = drift} steps: keys, types, method names, and the shape of {@code current} and
 * {@code reference}. Checks that need other steps (is {@code current} a step with rows, do thresholds
 * fit their method) belong to the validator.
 */
final class DriftStepBinder {
  /** {@code schema.table} or {@code schema.table@vN}. */
  static final Pattern TABLE_REF = Pattern.compile("([a-z0-9][a-z0-9_]*\\.[a-z0-9][a-z0-9_]*)(?:@v(0|[1-9][0-9]{0,17}))?");

  private DriftStepBinder() {}

  static DriftStepSpec drift(String name, ObjectReader s, Map<String, String> params, List<Problem> problems) {
    s.allowOnly(ConfigKeys.DRIFT_STEP, "a drift step");
    String model = s.string("model");
    String current = data(s, s.requiredString("current", "the rows to judge: a step, e.g. current = score, or"
        + " schema.table[@vN]"), "current");
    String reference = data(s, s.string("reference"), "reference");
    if (reference != null && DriftStepSpec.isTable(reference) && !reference.contains("@")) {
      s.problem("reference", PipelineErrors.unpinnedReference(reference, s.has("model")));
      reference = null;
    }
    if (!s.has("model") && !s.has("reference")) {
      s.problem(null, PipelineErrors.driftWithoutModelOrReference());
    }
    List<String> columns = s.stringList("columns");
    if (columns != null && columns.isEmpty()) {
      s.problem("columns", PipelineErrors.emptyColumnList());
    }
    Double share = s.doubleValue("dataset-drift-share");
    if (share != null && !(share > 0 && share <= 1)) {
      s.problem("dataset-drift-share", PipelineErrors.outOfRange("dataset-drift-share", share,
          "above 0 and at most 1, e.g. 0.5 (the share of columns that must drift)"));
    }
    Long exact = s.longValue("exact-max-rows");
    if (exact != null && exact < 0) {
      s.problem("exact-max-rows", PipelineErrors.negative("exact-max-rows", exact, "must be >= 0"));
    }
    Map<String, Double> thresholds = new LinkedHashMap<>();
    ObjectReader t = s.object("thresholds");
    if (t != null) {
      for (String key : t.keys()) {
        Double value = t.doubleValue(key);
        if (value != null) {
          thresholds.put(key, value);
        }
      }
    }
    return new DriftStepSpec(name, model, current, reference, columns, share == null
        ? DriftStepSpec.DEFAULT_DATASET_DRIFT_SHARE : share, methods(s), thresholds,
        exact == null ? DriftStepSpec.DEFAULT_EXACT_MAX_ROWS : exact, output(s), report(s, params, problems),
        onDrift(s, params, problems), s.at());
  }

  /** A source or step name, or a table reference; null (reported) otherwise. */
  private static String data(ObjectReader s, String text, String key) {
    if (text == null) {
      return null;
    }
    boolean ok = DriftStepSpec.isTable(text) ? TABLE_REF.matcher(text).matches() : SpecBinder.NAME.matcher(text).matches();
    if (!ok) {
      s.problem(key, PipelineErrors.badDriftData(key, text));
      return null;
    }
    return text;
  }

  private static Map<String, String> methods(ObjectReader s) {
    Map<String, String> out = new LinkedHashMap<>();
    ObjectReader m = s.object("methods");
    if (m == null) {
      return out;
    }
    List<String> names = Arrays.stream(DriftMethod.values()).map(DriftMethod::configName).toList();
    for (String column : m.keys()) {
      String method = m.string(column);
      if (method == null) {
        continue;
      }
      if (DriftMethod.parse(method).isEmpty()) {
        m.problem(column, PipelineErrors.unknownValue("drift method", method, names));
      } else {
        out.put(column, method);
      }
    }
    return out;
  }

  private static OutputSpec output(ObjectReader s) {
    if (!s.has("output")) {
      s.problem(null, PipelineErrors.missingKey("output", "the drift history table, e.g. output = monitoring.churn_drift"));
      return null;
    }
    if (s.raw("output") instanceof ConfigObject) {
      s.problem("output", PipelineErrors.driftOutputNotATable());
      return null;
    }
    String table = s.string("output");
    return table == null ? null : new OutputSpec(table, WriteMode.APPEND, null, null, s.at("output"));
  }

  private static String report(ObjectReader s, Map<String, String> params, List<Problem> problems) {
    String text = s.string("report");
    if (text == null) {
      return null;
    }
    return ParamSubstitution.apply(text, params, s.at("report"), s.childPath("report"), problems, "the report path");
  }

  private static DriftStepSpec.OnDrift onDrift(ObjectReader s, Map<String, String> params, List<Problem> problems) {
    ObjectReader o = s.object("on-drift");
    if (o == null) {
      return null;
    }
    o.allowOnly(ConfigKeys.ON_DRIFT, "on-drift");
    Long runs = o.longValue("consecutive-runs");
    if (runs != null && (runs < 1 || runs > 1000)) {
      o.problem("consecutive-runs", PipelineErrors.outOfRange("consecutive-runs", runs,
          "between 1 and 1000, e.g. 2 (drifted runs in a row before acting)"));
      runs = null;
    }
    String trigger = o.string("trigger-pipeline");
    if (trigger != null && !SpecBinder.NAME.matcher(trigger).matches()) {
      o.problem("trigger-pipeline", PipelineErrors.badName("pipeline", trigger));
      trigger = null;
    }
    Map<String, String> triggerParams = triggerParams(o, params, problems);
    if (o.has("params") && !o.has("trigger-pipeline")) {
      o.problem("params", PipelineErrors.triggerParamsWithoutPipeline());
    }
    Boolean fail = o.booleanValue("fail-run");
    SourceLocation at = o.at();
    return new DriftStepSpec.OnDrift(runs == null ? 1 : runs.intValue(), trigger, triggerParams, fail != null && fail,
        at);
  }

  /** {@code on-drift.params}: names by lakemill's rule, not a built-in conf key, {@code ${params.x}} replaced. */
  private static Map<String, String> triggerParams(ObjectReader o, Map<String, String> params, List<Problem> problems) {
    Map<String, String> out = new LinkedHashMap<>();
    ObjectReader p = o.object("params");
    if (p == null) {
      return out;
    }
    for (String name : p.keys()) {
      String text = p.string(name);
      if (!ConfigKeys.isName(name)) {
        p.problem(name, PipelineErrors.badName("param", name));
      } else if (DriftStepSpec.OnDrift.TRIGGER_CONF_KEYS.contains(name)) {
        p.problem(name, PipelineErrors.reservedTriggerParam(name, DriftStepSpec.OnDrift.TRIGGER_CONF_KEYS));
      } else if (text != null) {
        String value = ParamSubstitution.apply(text, params, p.at(name), p.childPath(name), problems, "a trigger param");
        if (value != null) {
          out.put(name, value);
        }
      }
    }
    return out;
  }
}
