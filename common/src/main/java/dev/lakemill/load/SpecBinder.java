package dev.lakemill.load;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import dev.lakemill.error.PipelineErrors;
import dev.lakemill.error.Problem;
import dev.lakemill.spec.ExpectationSpec;
import dev.lakemill.spec.OnBadRecords;
import dev.lakemill.spec.OnViolation;
import dev.lakemill.spec.OutputSpec;
import dev.lakemill.spec.PipelineInfo;
import dev.lakemill.spec.PipelineSpec;
import dev.lakemill.spec.SourceFormat;
import dev.lakemill.spec.SourceLocation;
import dev.lakemill.spec.SourceSpec;
import dev.lakemill.spec.SqlStepSpec;
import dev.lakemill.spec.StepSpec;
import dev.lakemill.spec.WriteMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Binds a resolved pipeline {@link Config} to a {@link PipelineSpec}, checking keys and types of
 * every block. Problems are collected, not thrown: fields that fail to bind are left null so that the
 * validator can still check the rest of the file.
 */
public final class SpecBinder {
  static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");

  private final String file;
  private final List<Problem> problems;
  private Map<String, ParamTypes.Declared> declaredParams = Map.of();
  private java.util.Set<String> pasted = java.util.Set.of();
  private ParamValues paramValues;

  /**
   * @param file the pipeline file, for problems that have no better origin
   * @param problems where binding problems are added
   */
  public SpecBinder(String file, List<Problem> problems) {
    this.file = file;
    this.problems = problems;
  }

  /** Binds a loaded file: its problems are added, and params are typed by their declared defaults. */
  public PipelineSpec bind(PipelineConfigLoader.Loaded loaded) {
    problems.addAll(loaded.problems());
    declaredParams = loaded.params();
    pasted = loaded.problems().stream().map(Problem::path).collect(java.util.stream.Collectors.toSet());
    return bind(loaded.config());
  }

  public PipelineSpec bind(Config config) {
    Map<String, SourceLocation> locations = new LinkedHashMap<>();
    ObjectReader root = new ObjectReader(config.root(), "", problems, locations);
    root.allowOnly(ConfigKeys.TOP, "a pipeline file");
    PipelineInfo info = bindInfo(root);
    Map<String, String> params = root.scalarMap("params");
    Map<String, SourceLocation> valueAt = new LinkedHashMap<>();
    params.keySet().forEach(k -> valueAt.put(k, locations.get("params." + k)));
    paramValues = new ParamValues(params, declaredParams, valueAt, problems);
    List<SourceSpec> sources = new ArrayList<>();
    ObjectReader sourcesBlock = root.object("sources");
    if (sourcesBlock != null) {
      for (String name : sourcesBlock.keys()) {
        ObjectReader source = sourcesBlock.object(name);
        if (source != null && checkName(sourcesBlock, name, "source")) {
          SourceSpec spec = bindSource(name, source);
          if (spec != null) {
            sources.add(spec);
          }
        }
      }
    }
    List<StepSpec> steps = new ArrayList<>();
    Map<String, String> canonical = new LinkedHashMap<>();
    ObjectReader stepsBlock = root.object("steps");
    if (stepsBlock == null) {
      root.problem(null, PipelineErrors.missingSteps());
    } else {
      for (String name : stepsBlock.keys()) {
        ObjectReader step = stepsBlock.object(name);
        if (step != null && checkName(stepsBlock, name, "step")) {
          StepSpec spec = bindStep(name, step, params);
          if (spec != null) {
            steps.add(spec);
            canonical.put(name, canonical((ConfigObject) ((ConfigObject) config.root().get("steps")).get(name), spec));
          }
        }
      }
    }
    return new PipelineSpec(file, info, params, sources, steps, canonical, locations);
  }

  private PipelineInfo bindInfo(ObjectReader root) {
    ObjectReader block = root.object("pipeline");
    if (block == null) {
      if (!root.has("pipeline")) {
        root.problem(null, PipelineErrors.missingPipelineBlock());
      }
      return new PipelineInfo(fallbackName(), "", "", "", List.of());
    }
    block.allowOnly(ConfigKeys.PIPELINE, "pipeline");
    String name = block.requiredString("name", "give the pipeline a name, e.g. name = churn-prep");
    if (name != null && !NAME.matcher(name).matches()) {
      block.problem("name", PipelineErrors.badName("pipeline", name));
      name = null;
    }
    List<String> tags = block.stringList("tags");
    String schedule = null;
    List<String> onUpdate = List.of();
    ConfigValue scheduleValue = block.raw("schedule");
    if (scheduleValue != null && scheduleValue.valueType() == ConfigValueType.OBJECT) {
      onUpdate = bindOnUpdate(block.object("schedule"));
    } else {
      schedule = block.string("schedule");
      String problem = schedule == null ? null : Schedules.scheduleProblem(schedule);
      if (problem != null) {
        block.problem("schedule", problem);
      }
    }
    return new PipelineInfo(
        name == null ? fallbackName() : name,
        block.string("description"),
        block.string("owner"),
        schedule == null ? null : schedule.trim(),
        tags,
        onUpdate);
  }

  /** {@code schedule { on-update = [...] }}: each entry a table or a model alias, each problem at its line. */
  private static List<String> bindOnUpdate(ObjectReader schedule) {
    schedule.allowOnly(ConfigKeys.SCHEDULE, "pipeline.schedule");
    List<String> entries = schedule.stringList(ConfigKeys.ON_UPDATE);
    if (entries == null) {
      if (!schedule.has(ConfigKeys.ON_UPDATE)) {
        schedule.problem(null, PipelineErrors.missingKey(ConfigKeys.ON_UPDATE,
            "the tables (schema.table) and model aliases (model@alias) whose updates start the pipeline"));
      }
      return List.of();
    }
    if (entries.isEmpty()) {
      schedule.problem(ConfigKeys.ON_UPDATE, PipelineErrors.emptyOnUpdate());
    }
    ConfigValue list = schedule.raw(ConfigKeys.ON_UPDATE);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      String problem = Schedules.onUpdateProblem(entries.get(i));
      if (problem == null) {
        out.add(entries.get(i));
      } else {
        ConfigValue element = list instanceof ConfigList l ? l.get(i) : list;
        schedule.problemAt(ConfigKeys.ON_UPDATE, Origins.location(element.origin()), problem);
      }
    }
    return out.stream().distinct().toList();
  }

  private String fallbackName() {
    String base = java.nio.file.Path.of(file).getFileName().toString();
    return base.replaceAll("\\.conf$", "").replaceAll("[^A-Za-z0-9_-]", "_");
  }

  private boolean checkName(ObjectReader block, String name, String what) {
    if (NAME.matcher(name).matches()) {
      return true;
    }
    block.problem(name, PipelineErrors.badName(what, name));
    return false;
  }

  private SourceSpec bindSource(String name, ObjectReader s) {
    String formatText = s.requiredString(ConfigKeys.FORMAT, "one of " + formats());
    if (formatText == null) {
      return null;
    }
    SourceFormat format =
        Arrays.stream(SourceFormat.values()).filter(f -> f.key().equals(formatText)).findFirst().orElse(null);
    if (format == null) {
      s.problem(ConfigKeys.FORMAT, PipelineErrors.unknownValue("source format", formatText, formats()));
      return null;
    }
    return switch (format) {
      case DELTA -> bindDelta(name, s);
      case GENERATE -> bindGenerated(name, s);
      default -> bindFile(name, format, s);
    };
  }

  private SourceSpec bindDelta(String name, ObjectReader s) {
    s.allowOnly(ConfigKeys.DELTA_SOURCE, "a delta source");
    String table = s.string("table");
    String path = s.string("path");
    if ((table == null) == (path == null)) {
      s.problem(null, PipelineErrors.deltaSourceNeedsOneLocation());
    }
    if (s.has("version-as-of") && s.has("timestamp-as-of")) {
      s.problem("timestamp-as-of", PipelineErrors.bothTimeTravelKeys());
    }
    Long version = s.longValue("version-as-of");
    if (version != null && version < 0) {
      s.problem("version-as-of", PipelineErrors.negative("version-as-of", version, "Delta versions start at 0"));
    }
    return new SourceSpec(name, SourceFormat.DELTA, path, table, null, Map.of(), version, s.string("timestamp-as-of"),
        null, Map.of(), null, null, null, s.at());
  }

  private SourceSpec bindGenerated(String name, ObjectReader s) {
    String generator = s.requiredString("generator", "one of " + ConfigKeys.GENERATORS.keySet());
    if (generator == null) {
      return null;
    }
    List<String> keys = ConfigKeys.GENERATORS.get(generator);
    if (keys == null) {
      s.problem("generator", PipelineErrors.unknownValue("generator", generator, ConfigKeys.GENERATORS.keySet()));
      return null;
    }
    s.allowOnly(keys, "generator " + generator);
    Long rows = s.longValue("rows");
    if (rows == null && !s.has("rows")) {
      s.problem(null, PipelineErrors.missingKey("rows", "how many rows to generate, e.g. rows = 1000"));
    } else if (rows != null && rows < 0) {
      s.problem("rows", PipelineErrors.negative("rows", rows, "must be >= 0"));
    }
    Long seed = s.seedValue("seed");
    Double drift = s.doubleValue("drift");
    Map<String, Object> options = Map.of(
        "rows", rows == null ? 0L : rows, "seed", seed == null ? 0L : seed, "drift", drift == null ? 0.0 : drift);
    return new SourceSpec(name, SourceFormat.GENERATE, null, null, null, Map.of(), null, null, generator, options,
        null, null, null, s.at());
  }

  private SourceSpec bindFile(String name, SourceFormat format, ObjectReader s) {
    s.allowOnly(ConfigKeys.FILE_SOURCE, "a " + format.key() + " source");
    String path = s.requiredString("path", "the file or folder to read, relative to the pipeline file");
    return new SourceSpec(name, format, path, null, s.string("schema"), s.scalarMap("options"), null, null, null,
        Map.of(), s.enumValue(ConfigKeys.ON_BAD_RECORDS, OnBadRecords.class), s.string(ConfigKeys.BAD_RECORDS_TABLE),
        s.booleanValue(ConfigKeys.ALLOW_EMPTY), s.at());
  }

  private StepSpec bindStep(String name, ObjectReader s, Map<String, String> params) {
    String type = s.requiredString("type", "one of " + ConfigKeys.STEP_TYPES);
    if (type == null) {
      return null;
    }
    if (!ConfigKeys.STEP_TYPES.contains(type)) {
      s.problem("type", PipelineErrors.unknownValue("step type", type, ConfigKeys.STEP_TYPES));
      return null;
    }
    switch (type) {
      case "features" -> {
        return MlStepBinder.features(name, s, this::bindOutput);
      }
      case "train" -> {
        return MlStepBinder.train(name, s);
      }
      case "validate" -> {
        return MlStepBinder.validate(name, s);
      }
      case "score" -> {
        return MlStepBinder.score(name, s, this::bindOutput);
      }
      case "drift" -> {
        return DriftStepBinder.drift(name, s, params, problems);
      }
      default -> {
        return bindSql(name, s, params);
      }
    }
  }

  private StepSpec bindSql(String name, ObjectReader s, Map<String, String> params) {
    s.allowOnly(ConfigKeys.SQL_STEP, "a sql step");
    String sqlText = s.requiredString("sql", "the SELECT this step runs");
    SourceLocation sqlAt = sqlText == null ? s.at("sql") : startOf(s.at("sql"), sqlText);
    SqlParams bound = new SqlParams(paramValues, problems);
    String sql = sqlText == null || pasted.contains(s.childPath("sql")) ? null
        : bound.rewrite(sqlText, sqlAt, s.childPath("sql"), "SQL");
    List<String> inputs = s.stringList("inputs");
    List<ExpectationSpec> expectations = bindExpectations(s, bound);
    return new SqlStepSpec(name, sql, sqlAt, bound.args(), inputs, expectations, bindOutput(s), s.at());
  }

  private List<ExpectationSpec> bindExpectations(ObjectReader step, SqlParams bound) {
    ObjectReader block = step.object("expectations");
    List<ExpectationSpec> out = new ArrayList<>();
    if (block == null) {
      return out;
    }
    for (String name : block.keys()) {
      ObjectReader e = block.object(name);
      if (e == null) {
        continue;
      }
      e.allowOnly(ConfigKeys.EXPECTATION, "an expectation");
      int kinds = (e.has("check") ? 1 : 0) + (e.has("unique") ? 1 : 0) + (e.has("not-null") ? 1 : 0);
      if (kinds != 1) {
        e.problem(null, PipelineErrors.expectationKinds(kinds));
      }
      List<String> unique = e.stringList("unique");
      List<String> notNull = e.stringList("not-null");
      if ((unique != null && unique.isEmpty()) || (notNull != null && notNull.isEmpty())) {
        e.problem(unique != null && unique.isEmpty() ? "unique" : "not-null", PipelineErrors.emptyColumnList());
      }
      OnViolation onViolation = e.enumValue("on-violation", OnViolation.class);
      String check = e.string("check");
      if (check != null) {
        check = pasted.contains(e.childPath("check")) ? null
            : bound.rewrite(check, startOf(e.at("check"), check), e.childPath("check"), "check");
      }
      out.add(new ExpectationSpec(name, check, unique, notNull, onViolation, e.at()));
    }
    return out;
  }

  private OutputSpec bindOutput(ObjectReader step) {
    if (!step.has("output")) {
      return null;
    }
    if (step.raw("output") instanceof ConfigObject) {
      ObjectReader o = step.object("output");
      o.allowOnly(ConfigKeys.OUTPUT, "output");
      String table = o.requiredString("table", "the lakehouse table to write, e.g. table = silver.customers");
      WriteMode mode = o.enumValue("mode", WriteMode.class);
      return new OutputSpec(table, mode, o.stringList("merge-keys"), o.stringList("partition-by"), o.at());
    }
    String table = step.string("output");
    return table == null ? null : new OutputSpec(table, WriteMode.OVERWRITE, null, null, step.at("output"));
  }

  /**
   * Typesafe tags a multi-line (triple-quoted) string with the line where it ends; line 1 of the SQL
   * is that line minus the text's line breaks.
   */
  private static SourceLocation startOf(SourceLocation end, String text) {
    return end.plusLines(-(int) text.chars().filter(c -> c == '\n').count());
  }

  /**
   * The step's config with keys sorted and comments dropped; for a SQL step its SQL with markers and,
   * under {@code bound-params}, the type and value each marker binds.
   */
  private static String canonical(ConfigObject step, StepSpec spec) {
    ConfigObject withSql = step;
    if (spec instanceof SqlStepSpec sql && sql.sql() != null) {
      withSql = step.withValue("sql", ConfigValueFactory.fromAnyRef(sql.sql()));
      if (!sql.args().isEmpty()) {
        Map<String, String> bound = new java.util.TreeMap<>();
        sql.args().forEach((marker, value) -> bound.put(marker, ParamTypes.describe(value)));
        withSql = withSql.withValue("bound-params", ConfigValueFactory.fromMap(bound));
      }
    }
    return withSql.render(ConfigRenderOptions.concise());
  }

  private static List<String> formats() {
    return Arrays.stream(SourceFormat.values()).map(SourceFormat::key).toList();
  }
}
