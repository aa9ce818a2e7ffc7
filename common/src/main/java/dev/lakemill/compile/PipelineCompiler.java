package dev.lakemill.compile;

import dev.lakemill.drift.DriftMethod;
import dev.lakemill.drift.DriftOptions;
import dev.lakemill.load.Locations;
import dev.lakemill.plan.DriftStepPlan;
import dev.lakemill.plan.ExpectationPlan;
import dev.lakemill.plan.FeaturesStepPlan;
import dev.lakemill.plan.MlStagePlan;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.plan.ScoreStepPlan;
import dev.lakemill.plan.SourcePlan;
import dev.lakemill.plan.SqlStepPlan;
import dev.lakemill.plan.StepPlan;
import dev.lakemill.plan.TablePlan;
import dev.lakemill.plan.TrainStepPlan;
import dev.lakemill.plan.ValidateStepPlan;
import dev.lakemill.settings.Environment;
import dev.lakemill.spec.DriftStepSpec;
import dev.lakemill.spec.ExpectationSpec;
import dev.lakemill.spec.FeaturesStepSpec;
import dev.lakemill.spec.MlStageSpec;
import dev.lakemill.spec.ModelRef;
import dev.lakemill.spec.OnBadRecords;
import dev.lakemill.spec.OutputSpec;
import dev.lakemill.spec.PipelineSpec;
import dev.lakemill.spec.ScoreStepSpec;
import dev.lakemill.spec.SourceSpec;
import dev.lakemill.spec.SqlStepSpec;
import dev.lakemill.spec.StepSpec;
import dev.lakemill.spec.TrainStepSpec;
import dev.lakemill.spec.ValidateStepSpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Compiles a valid {@link PipelineSpec} into an immutable {@link PipelinePlan}; reached through {@link Compiler}. */
public final class PipelineCompiler {
  /** The folder under the ledger that holds each source's default bad-records table. */
  public static final String BAD_RECORDS_FOLDER = "bad_records";

  private final SqlAnalyzer analyzer;
  private final MlValidator ml;

  PipelineCompiler(SqlAnalyzer analyzer, MlCatalog catalog) {
    this.analyzer = analyzer;
    this.ml = new MlValidator(catalog);
  }

  /**
   * @param spec a spec that {@link Compiler#validate} returned, so already validated: the compiler
   *     resolves names and paths but does not check them again
   * @param env where the pipeline runs
   */
  PipelinePlan compile(PipelineSpec spec, Environment env) {
    String root = resolveRoot(env.lakehouseRoot());
    String folder = Locations.folder(spec.file());
    List<SourcePlan> sources = spec.sources().stream().map(s -> source(s, folder, root, spec.info().name())).toList();
    Dependencies deps = new Dependencies(spec, analyzer);
    List<StepPlan> steps = new ArrayList<>();
    for (String name : deps.topologicalOrder(spec.steps().stream().map(StepSpec::name).toList())) {
      StepSpec step = spec.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
      steps.add(step(spec, step, deps.inputs().get(name), sha256(spec.canonicalSteps().get(name)), root));
    }
    return new PipelinePlan(spec.info().name(), spec.file(), spec.info().description(), spec.params(), root, sources, steps);
  }

  private StepPlan step(PipelineSpec spec, StepSpec step, List<String> inputs, String hash, String root) {
    if (step instanceof SqlStepSpec sql) {
      return new SqlStepPlan(sql.name(), sql.sql(), sql.sqlAt(), sql.args(), inputs,
          sql.expectations().stream().map(PipelineCompiler::expectation).toList(), table(sql.output(), root), hash);
    }
    if (step instanceof FeaturesStepSpec f) {
      return new FeaturesStepPlan(f.name(), f.input(), stages(f.stages()), table(f.output(), root), hash);
    }
    if (step instanceof TrainStepSpec t) {
      return train(spec, t, inputs, hash);
    }
    if (step instanceof ValidateStepSpec v) {
      TrainStepSpec train = (TrainStepSpec) MlValidator.find(spec, v.model());
      Set<String> metrics = new LinkedHashSet<>(v.metrics());
      v.gates().forEach(g -> metrics.add(g.metric()));
      return new ValidateStepPlan(v.name(), v.model(), train.modelName(), ml.problemOf(train), List.copyOf(metrics),
          v.gates(), v.promoteTo(), hash);
    }
    if (step instanceof DriftStepSpec d) {
      return drift(spec, d, inputs, hash, root);
    }
    ScoreStepSpec s = (ScoreStepSpec) step;
    return new ScoreStepPlan(s.name(), inputs, s.input(), ModelRef.parse(s.model()).orElseThrow(),
        table(s.output(), root), hash);
  }

  private TrainStepPlan train(PipelineSpec spec, TrainStepSpec t, List<String> inputs, String hash) {
    List<MlStagePlan> featureStages = List.of();
    String data = t.input();
    String definition = "{" + jsonString(t.name()) + ":" + spec.canonicalSteps().get(t.name()) + "}";
    if (MlValidator.find(spec, t.input()) instanceof FeaturesStepSpec f) {
      featureStages = stages(f.stages());
      data = f.input();
      definition = "{" + jsonString(f.name()) + ":" + spec.canonicalSteps().get(f.name()) + ","
          + jsonString(t.name()) + ":" + spec.canonicalSteps().get(t.name()) + "}";
    }
    MlStagePlan estimator = stages(List.of(t.estimator())).get(0);
    return new TrainStepPlan(t.name(), inputs, data, featureStages, t.label(), t.split(), estimator,
        ml.problemOf(t), t.tuning(), t.modelName(), rawColumns(featureStages, estimator), definition, hash);
  }

  private static DriftStepPlan drift(PipelineSpec spec, DriftStepSpec d, List<String> inputs, String hash, String root) {
    java.util.Map<String, DriftMethod> methods = new java.util.LinkedHashMap<>();
    d.methods().forEach((column, method) -> methods.put(column, DriftMethod.parse(method).orElseThrow()));
    String runDate = spec.params().get(DriftValidator.RUN_DATE_PARAM);
    String report = d.report() == null ? null
        : hasScheme(d.report()) ? d.report() : Path.of(d.report()).toAbsolutePath().normalize().toString();
    return new DriftStepPlan(d.name(), inputs, d.model() == null ? null : ModelRef.parse(d.model()).orElseThrow(),
        driftData(spec, d.current(), root),
        d.reference() == null ? null : driftData(spec, d.reference(), root), d.columns(),
        new DriftOptions(methods, d.thresholds(), d.exactMaxRows()), d.datasetDriftShare(), table(d.output(), root),
        report, d.onDrift(), runDate == null ? null : DriftValidator.parseDate(runDate).toString(), hash);
  }

  private static DriftStepPlan.Data driftData(PipelineSpec spec, String ref, String root) {
    if (!DriftStepSpec.isTable(ref)) {
      StepSpec step = MlValidator.find(spec, ref);
      OutputSpec out = step == null ? null : step.output();
      return out == null ? new DriftStepPlan.Data(ref, null, null, null)
          : new DriftStepPlan.Data(ref, out.table(), tableLocation(root, out.table()), null);
    }
    int at = ref.indexOf("@v");
    String table = at < 0 ? ref : ref.substring(0, at);
    return new DriftStepPlan.Data(null, table, tableLocation(root, table), at < 0 ? null : Long.parseLong(ref.substring(at + 2)));
  }

  private static String jsonString(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private List<MlStagePlan> stages(List<MlStageSpec> stages) {
    List<MlStagePlan> out = new ArrayList<>();
    for (MlStageSpec stage : stages) {
      String className = ml.resolve(stage).orElseThrow().className();
      out.add(new MlStagePlan(className, stage.params()));
    }
    return out;
  }

  /** Columns the stages read that no earlier stage produces; the estimator's featuresCol without stages. */
  static List<String> rawColumns(List<MlStagePlan> stages, MlStagePlan estimator) {
    Set<String> produced = new LinkedHashSet<>();
    Set<String> raw = new LinkedHashSet<>();
    for (MlStagePlan stage : stages) {
      for (String in : columns(stage.params(), "inputCol", "inputCols")) {
        if (!produced.contains(in)) {
          raw.add(in);
        }
      }
      produced.addAll(columns(stage.params(), "outputCol", "outputCols"));
    }
    if (stages.isEmpty()) {
      raw.addAll(columns(estimator.params(), "featuresCol", "featuresCol"));
      if (raw.isEmpty()) {
        raw.add("features");
      }
    }
    return List.copyOf(raw);
  }

  private static List<String> columns(java.util.Map<String, Object> params, String single, String multiple) {
    List<String> out = new ArrayList<>();
    if (params.get(single) instanceof String s) {
      out.add(s);
    }
    if (params.get(multiple) instanceof List<?> l) {
      l.forEach(c -> out.add(String.valueOf(c)));
    }
    return out;
  }

  private static ExpectationPlan expectation(ExpectationSpec e) {
    if (e.check() != null) {
      return new ExpectationPlan(e.name(), "check", e.check(), List.of(), e.onViolation());
    }
    if (!e.unique().isEmpty()) {
      return new ExpectationPlan(e.name(), "unique", null, e.unique(), e.onViolation());
    }
    String condition = e.notNull().stream().map(c -> "`" + c + "` IS NOT NULL").collect(Collectors.joining(" AND "));
    return new ExpectationPlan(e.name(), "not-null", condition, e.notNull(), e.onViolation());
  }

  private static TablePlan table(OutputSpec out, String root) {
    if (out == null) {
      return null;
    }
    return new TablePlan(out.table(), tableLocation(root, out.table()), out.mode(), out.mergeKeys(), out.partitionBy());
  }

  private static SourcePlan source(SourceSpec s, String folder, String root, String pipeline) {
    String location = null;
    if (s.table() != null) {
      location = tableLocation(root, s.table());
    } else if (s.path() != null) {
      location = hasScheme(s.path()) ? s.path() : Locations.resolve(folder, s.path());
    }
    String generator = s.generator();
    OnBadRecords onBadRecords = s.onBadRecords() == null ? OnBadRecords.FAIL : s.onBadRecords();
    boolean allowEmpty = Boolean.TRUE.equals(s.allowEmpty());
    String badTable = null;
    String badLocation = null;
    if (onBadRecords == OnBadRecords.QUARANTINE) {
      badLocation = s.badRecordsTable() != null ? tableLocation(root, s.badRecordsTable())
          : root + "/" + PipelinePlan.LEDGER_FOLDER + "/" + BAD_RECORDS_FOLDER + "/" + pipeline + "/" + s.name();
      badTable = s.badRecordsTable() != null ? s.badRecordsTable() : badLocation;
    }
    String declaration = s.format() + "|" + s.path() + "|" + s.table() + "|" + s.schema() + "|" + new java.util.TreeMap<>(s.options())
        + "|" + s.versionAsOf() + "|" + s.timestampAsOf() + "|" + generator + "|" + new java.util.TreeMap<>(s.generatorOptions());
    if (onBadRecords != OnBadRecords.FAIL || allowEmpty) {
      // Appended only when not the defaults, so that existing sources keep their fingerprints.
      declaration += "|" + onBadRecords.key() + "|" + badTable + "|" + allowEmpty;
    }
    return new SourcePlan(s.name(), s.format(), location, s.schema(), s.options(), s.versionAsOf(), s.timestampAsOf(),
        generator, s.generatorOptions(), onBadRecords, badTable, badLocation, allowEmpty, sha256(declaration));
  }

  /** {@code <root>/schema/table}. */
  public static String tableLocation(String root, String table) {
    return root + "/" + table.replace('.', '/');
  }

  /** An absolute lakehouse root: a relative folder resolves against the working directory. */
  public static String resolveRoot(String root) {
    String trimmed = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    return hasScheme(trimmed) ? trimmed : Path.of(trimmed).toAbsolutePath().normalize().toString();
  }

  private static boolean hasScheme(String path) {
    try {
      URI uri = new URI(path);
      return uri.getScheme() != null && uri.getScheme().length() > 1;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  public static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
