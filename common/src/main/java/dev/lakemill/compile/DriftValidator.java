package dev.lakemill.compile;

import dev.lakemill.drift.DriftMethod;
import dev.lakemill.error.PipelineErrors;
import dev.lakemill.error.Problem;
import dev.lakemill.spec.DriftStepSpec;
import dev.lakemill.spec.FeaturesStepSpec;
import dev.lakemill.spec.ModelRef;
import dev.lakemill.spec.PipelineSpec;
import dev.lakemill.spec.StepSpec;
import dev.lakemill.spec.TrainStepSpec;
import dev.lakemill.spec.ValidateStepSpec;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a {@code drift} step against the rest of the pipeline: the model reference, that
 * {@code current} and {@code reference} are steps with rows, that thresholds fit their method, that
 * {@code methods} and {@code thresholds} name declared columns, and ({@link #checkRunDate}) that
 * {@code params.run-date} is a date. Unknown source and step names are reported with the other references.
 */
final class DriftValidator {
  /** The param a drift step reads its run date from, when the pipeline declares it. */
  static final String RUN_DATE_PARAM = "run-date";

  private DriftValidator() {}

  static void validate(PipelineSpec spec, DriftStepSpec d, List<Problem> problems) {
    String base = "steps." + d.name();
    if (d.model() != null && ModelRef.parse(d.model()).isEmpty()) {
      problems.add(new Problem(base + ".model", spec.at(base + ".model", d.at()), PipelineErrors.badModelRef(d.model())));
    }
    checkRows(spec, d, "current", d.current(), problems);
    checkRows(spec, d, "reference", d.reference(), problems);
    Set<String> methodNames = new LinkedHashSet<>();
    for (DriftMethod m : DriftMethod.values()) {
      methodNames.add(m.configName());
    }
    if (!d.columns().isEmpty()) {
      Set<String> columns = new LinkedHashSet<>(d.columns());
      for (String column : d.methods().keySet()) {
        if (!columns.contains(column)) {
          problems.add(new Problem(base + ".methods." + column, spec.at(base + ".methods." + column, d.at()),
              PipelineErrors.unknownDriftColumn("methods", column, columns)));
        }
      }
      Set<String> keys = new LinkedHashSet<>(columns);
      keys.addAll(methodNames);
      for (String key : d.thresholds().keySet()) {
        if (!keys.contains(key)) {
          problems.add(new Problem(base + ".thresholds." + key, spec.at(base + ".thresholds." + key, d.at()),
              PipelineErrors.unknownDriftColumn("thresholds", key, keys)));
        }
      }
    }
    for (Map.Entry<String, Double> t : d.thresholds().entrySet()) {
      DriftMethod method = DriftMethod.parse(t.getKey())
          .or(() -> DriftMethod.parse(d.methods().getOrDefault(t.getKey(), ""))).orElse(null);
      double v = t.getValue();
      boolean ok = method == null || !method.isTest() ? v > 0 && Double.isFinite(v) : v > 0 && v < 1;
      if (!ok) {
        String path = base + ".thresholds." + t.getKey();
        problems.add(new Problem(path, spec.at(path, d.at()), PipelineErrors.driftThresholdOutOfRange(t.getKey(), v,
            method == null ? null : method.configName(), method != null && method.isTest())));
      }
    }
  }

  /** {@code params.run-date}, when declared, must be a date: the first drift step reports it once. */
  static void checkRunDate(PipelineSpec spec, List<Problem> problems) {
    String runDate = spec.params().get(RUN_DATE_PARAM);
    DriftStepSpec first = (DriftStepSpec) spec.steps().stream().filter(s -> s instanceof DriftStepSpec).findFirst()
        .orElse(null);
    if (first != null && runDate != null && parseDate(runDate) == null) {
      String path = "params." + RUN_DATE_PARAM;
      problems.add(new Problem(path, spec.at(path, first.at()), PipelineErrors.badDriftRunDate(runDate, first.name())));
    }
  }

  /** The date, or null when the text is not {@code yyyy-MM-dd}. */
  static LocalDate parseDate(String text) {
    try {
      return LocalDate.parse(text.trim());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** {@code current} and {@code reference} must be rows: not a model, not drift history, not stages only. */
  private static void checkRows(PipelineSpec spec, DriftStepSpec d, String key, String ref, List<Problem> problems) {
    String path = "steps." + d.name() + "." + key;
    if (ref != null && DriftStepSpec.isTable(ref)) {
      // A pinned version exists already; the latest version of a table a step writes depends on the order.
      spec.steps().stream().filter(s -> s.output() != null && ref.equals(s.output().table())).findFirst()
          .ifPresent(writer -> problems.add(new Problem(path, spec.at(path, d.at()),
              PipelineErrors.driftTableOfAStep(key, ref, writer.name()))));
      return;
    }
    StepSpec target = ref == null ? null : MlValidator.find(spec, ref);
    String why = null;
    if (target instanceof TrainStepSpec || target instanceof ValidateStepSpec) {
      why = "a " + (target instanceof TrainStepSpec ? "train" : "validate") + " step produces a model, not rows;"
          + " use the step whose rows the model scores, e.g. a score step";
    } else if (target instanceof DriftStepSpec) {
      why = "a drift step's rows are drift history, not data to compare; use the step it compares";
    } else if (target instanceof FeaturesStepSpec f && f.output() == null) {
      why = "features step '" + f.name() + "' has no output, so no rows of its own; use its input '" + f.input()
          + "' or give it an output";
    }
    if (why != null) {
      problems.add(new Problem(path, spec.at(path, d.at()), PipelineErrors.driftDataNotRows(key, ref, why)));
    }
  }
}
