package dev.lakemill.compile;

import dev.lakemill.error.PipelineErrors;
import dev.lakemill.error.Problem;
import dev.lakemill.plan.ProblemType;
import dev.lakemill.spec.FeaturesStepSpec;
import dev.lakemill.spec.GateSpec;
import dev.lakemill.spec.MlStageSpec;
import dev.lakemill.spec.ModelRef;
import dev.lakemill.spec.PipelineSpec;
import dev.lakemill.spec.ScoreStepSpec;
import dev.lakemill.spec.StepSpec;
import dev.lakemill.spec.TrainStepSpec;
import dev.lakemill.spec.TuningSpec;
import dev.lakemill.spec.ValidateStepSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks the MLlib lifecycle steps: every stage class, parameter name, type and value against MLlib
 * itself (through {@link MlCatalog}), metrics against the estimator's problem type, and how the
 * steps refer to each other.
 */
final class MlValidator {
  private final MlCatalog catalog;

  MlValidator(MlCatalog catalog) {
    this.catalog = catalog;
  }

  void validate(PipelineSpec spec, StepSpec step, List<Problem> problems) {
    String base = "steps." + step.name();
    if (step instanceof FeaturesStepSpec f) {
      for (int i = 0; i < f.stages().size(); i++) {
        stage(f.stages().get(i), base + ".stages[" + i + "]", false, problems);
      }
      checkReadable(spec, step, f.input(), problems);
    } else if (step instanceof TrainStepSpec t) {
      train(spec, t, base, problems);
    } else if (step instanceof ValidateStepSpec v) {
      validateStep(spec, v, base, problems);
    } else if (step instanceof ScoreStepSpec s) {
      if (s.model() != null && ModelRef.parse(s.model()).isEmpty()) {
        problems.add(new Problem(base + ".model", spec.at(base + ".model", s.at()), PipelineErrors.badModelRef(s.model())));
      }
      checkReadable(spec, step, s.input(), problems);
    }
  }

  /**
   * Only train steps may read a features step that has no output: it has no rows of its own (drift
   * steps report it at their {@code current} or {@code reference} key).
   */
  static void checkFeatureReaders(PipelineSpec spec, Dependencies deps, List<Problem> problems) {
    for (StepSpec step : spec.steps()) {
      if (step instanceof TrainStepSpec || step instanceof dev.lakemill.spec.DriftStepSpec) {
        continue;
      }
      for (String input : deps.inputs().getOrDefault(step.name(), List.of())) {
        if (find(spec, input) instanceof FeaturesStepSpec f && f.output() == null) {
          problems.add(new Problem("steps." + step.name(), step.at(),
              PipelineErrors.featuresWithoutOutputRead(step.name(), f.name())));
        }
      }
    }
  }

  /** The estimator's class, if it resolves (for the compiler). */
  Optional<MlCatalog.MlClass> resolve(MlStageSpec stage) {
    return stage == null || stage.type() == null ? Optional.empty() : catalog.resolve(stage.type()).found();
  }

  private void train(PipelineSpec spec, TrainStepSpec t, String base, List<Problem> problems) {
    checkReadable(spec, t, t.input(), problems);
    if (t.estimator() == null) {
      return;
    }
    Optional<MlCatalog.MlClass> estimator = stage(t.estimator(), base + ".estimator", true, problems);
    if (estimator.isEmpty() || !estimator.get().estimator()) {
      return;
    }
    MlCatalog.MlClass cls = estimator.get();
    TuningSpec tuning = t.tuning();
    if (tuning != null) {
      if (tuning.metric() != null) {
        checkMetric(tuning.metric(), cls, base + ".tuning.metric", spec.at(base + ".tuning.metric", tuning.at()), problems);
      }
      for (Map.Entry<String, List<Object>> e : tuning.grid().entrySet()) {
        String path = base + ".tuning.grid." + e.getKey();
        if (!cls.params().contains(e.getKey())) {
          problems.add(new Problem(path, tuning.gridAt().get(e.getKey()),
              PipelineErrors.gridOutsideEstimator(e.getKey(), cls.simpleName(), cls.params())));
          continue;
        }
        for (Object value : e.getValue()) {
          String why = catalog.checkValue(cls, e.getKey(), value);
          if (why != null) {
            problems.add(new Problem(path, tuning.gridAt().get(e.getKey()),
                PipelineErrors.badMlParamValue(e.getKey(), cls.simpleName(), String.valueOf(value), why)));
          }
        }
      }
    }
  }

  private void validateStep(PipelineSpec spec, ValidateStepSpec v, String base, List<Problem> problems) {
    if (v.model() == null) {
      return;
    }
    StepSpec target = find(spec, v.model());
    if (target == null) {
      return; // reported as an unknown reference
    }
    if (!(target instanceof TrainStepSpec train)) {
      List<String> trains = spec.steps().stream().filter(s -> s instanceof TrainStepSpec).map(StepSpec::name).toList();
      problems.add(new Problem(base + ".model", spec.at(base + ".model", v.at()),
          PipelineErrors.notATrainStep(v.model(), "a " + typeOf(target) + " step", trains)));
      return;
    }
    Optional<MlCatalog.MlClass> cls = resolve(train.estimator());
    if (cls.isEmpty()) {
      return;
    }
    for (String metric : v.metrics()) {
      checkMetric(metric, cls.get(), base + ".metrics", spec.at(base + ".metrics", v.at()), problems);
    }
    for (GateSpec gate : v.gates()) {
      checkMetric(gate.metric(), cls.get(), base + ".gates", gate.at(), problems);
    }
  }

  private void checkMetric(String metric, MlCatalog.MlClass cls, String path, dev.lakemill.spec.SourceLocation at,
      List<Problem> problems) {
    if (!cls.problem().metrics().contains(metric)) {
      problems.add(new Problem(path, at, PipelineErrors.metricDoesNotFit(metric, cls.simpleName(), cls.problem().key(),
          cls.problem().metrics())));
    }
  }

  private void checkReadable(PipelineSpec spec, StepSpec reader, String input, List<Problem> problems) {
    StepSpec target = input == null ? null : find(spec, input);
    if (target instanceof TrainStepSpec || target instanceof ValidateStepSpec) {
      problems.add(new Problem("steps." + reader.name() + ".input", spec.at("steps." + reader.name() + ".input", reader.at()),
          PipelineErrors.trainInputNotReadable(input)));
    }
  }

  private Optional<MlCatalog.MlClass> stage(MlStageSpec stage, String path, boolean mustBeEstimator, List<Problem> problems) {
    MlCatalog.Resolution resolution = catalog.resolve(stage.type());
    if (resolution.found().isEmpty()) {
      String message = resolution.problem() == null
          ? PipelineErrors.unknownMlType(stage.type(), catalog.knownTypes())
          : PipelineErrors.unusableMlType(stage.type(), resolution.problem());
      problems.add(new Problem(path + ".type", stage.at(), message));
      return Optional.empty();
    }
    MlCatalog.MlClass cls = resolution.found().get();
    if (mustBeEstimator && !cls.estimator()) {
      problems.add(new Problem(path + ".type", stage.at(), PipelineErrors.notAnEstimator(stage.type())));
    }
    for (Map.Entry<String, Object> p : stage.params().entrySet()) {
      if (!cls.params().contains(p.getKey())) {
        problems.add(new Problem(path + ".params." + p.getKey(), stage.at(p.getKey()),
            PipelineErrors.unknownMlParam(p.getKey(), cls.simpleName(), cls.params())));
        continue;
      }
      String why = catalog.checkValue(cls, p.getKey(), p.getValue());
      if (why != null) {
        problems.add(new Problem(path + ".params." + p.getKey(), stage.at(p.getKey()),
            PipelineErrors.badMlParamValue(p.getKey(), cls.simpleName(), show(p.getValue()), why)));
      }
    }
    return Optional.of(cls);
  }

  private static String show(Object value) {
    return value instanceof List<?> l ? l.toString() : String.valueOf(value);
  }

  private static String typeOf(StepSpec step) {
    if (step instanceof FeaturesStepSpec) {
      return "features";
    }
    if (step instanceof ScoreStepSpec) {
      return "score";
    }
    if (step instanceof dev.lakemill.spec.DriftStepSpec) {
      return "drift";
    }
    return step instanceof TrainStepSpec ? "train" : step instanceof ValidateStepSpec ? "validate" : "sql";
  }

  static StepSpec find(PipelineSpec spec, String name) {
    return spec.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
  }

  /** Problem type of a train step's estimator, or OTHER when it does not resolve. */
  ProblemType problemOf(TrainStepSpec train) {
    return resolve(train.estimator()).map(MlCatalog.MlClass::problem).orElse(ProblemType.OTHER);
  }
}
