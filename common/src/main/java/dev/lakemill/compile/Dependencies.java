package dev.lakemill.compile;

import dev.lakemill.error.Names;
import dev.lakemill.error.PipelineErrors;
import dev.lakemill.spec.DriftStepSpec;
import dev.lakemill.spec.ExpectationSpec;
import dev.lakemill.spec.FeaturesStepSpec;
import dev.lakemill.spec.ModelRef;
import dev.lakemill.spec.PipelineSpec;
import dev.lakemill.spec.ScoreStepSpec;
import dev.lakemill.spec.SourceFormat;
import dev.lakemill.spec.SourceSpec;
import dev.lakemill.spec.SqlStepSpec;
import dev.lakemill.spec.StepSpec;
import dev.lakemill.spec.TrainStepSpec;
import dev.lakemill.spec.ValidateStepSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which sources and steps each step reads: the tables its SQL references plus explicit
 * {@code inputs}, resolved case-insensitively against source and step names.
 */
final class Dependencies {
  /**
   * A reference that names no source or step.
   *
   * @param expectation the expectation whose {@code check} makes it, or null
   */
  record Unresolved(String step, String reference, boolean explicit, int sqlLine, String hint, String expectation) {}

  private final Map<String, List<String>> inputs = new LinkedHashMap<>();
  /** Per step, the steps that write the tables its delta sources read: it runs after them (not an input). */
  private final Map<String, List<String>> after = new LinkedHashMap<>();
  private final List<Unresolved> unresolved = new ArrayList<>();

  Dependencies(PipelineSpec spec, SqlAnalyzer analyzer) {
    Map<String, String> byLowerName = new LinkedHashMap<>();
    for (SourceSpec s : spec.sources()) {
      byLowerName.put(s.name().toLowerCase(Locale.ROOT), s.name());
    }
    Map<String, String> writers = new LinkedHashMap<>();
    for (StepSpec s : spec.steps()) {
      byLowerName.put(s.name().toLowerCase(Locale.ROOT), s.name());
      if (s.output() != null && s.output().table() != null) {
        writers.putIfAbsent(s.output().table().toLowerCase(Locale.ROOT), s.name());
      }
    }
    for (StepSpec step : spec.steps()) {
      Set<String> resolved = new LinkedHashSet<>();
      for (String ref : step.inputs()) {
        resolve(step.name(), ref, 0, null, byLowerName, writers, resolved);
      }
      if (step instanceof SqlStepSpec sql && sql.sql() != null) {
        for (SqlAnalyzer.TableRef ref : analyzer.analyzeQuery(sql.sql()).tables()) {
          resolve(step.name(), ref.name(), ref.line(), null, byLowerName, writers, resolved);
        }
      }
      if (step instanceof SqlStepSpec sql) {
        for (ExpectationSpec e : sql.expectations()) {
          if (e.check() == null) {
            continue;
          }
          for (SqlAnalyzer.TableRef ref : analyzer.analyzeExpression(e.check()).tables()) {
            resolve(step.name(), ref.name(), ref.line(), e.name(), byLowerName, writers, resolved);
          }
        }
      }
      inputs.put(step.name(), List.copyOf(resolved));
    }
    for (StepSpec step : spec.steps()) {
      Set<String> implicit = new LinkedHashSet<>(inputs.get(step.name()));
      if (step instanceof TrainStepSpec) {
        for (String in : inputs.get(step.name())) {
          if (find(spec, in) instanceof FeaturesStepSpec features) {
            implicit.addAll(inputs.getOrDefault(features.name(), List.of()));
          }
        }
      } else if (step instanceof ScoreStepSpec score) {
        ModelRef.parse(score.model()).ifPresent(ref -> implicit.addAll(producers(spec, ref.name())));
      } else if (step instanceof DriftStepSpec drift) {
        ModelRef.parse(drift.model()).ifPresent(ref -> implicit.addAll(producers(spec, ref.name())));
      }
      inputs.put(step.name(), List.copyOf(implicit));
    }
    for (StepSpec step : spec.steps()) {
      Set<String> writersRead = new LinkedHashSet<>();
      for (String in : inputs.get(step.name())) {
        spec.sources().stream().filter(s -> s.name().equals(in) && s.format() == SourceFormat.DELTA && s.table() != null
                && s.versionAsOf() == null && s.timestampAsOf() == null)
            .map(s -> writers.get(s.table().toLowerCase(Locale.ROOT)))
            .filter(w -> w != null && !w.equals(step.name())).forEach(writersRead::add);
      }
      after.put(step.name(), List.copyOf(writersRead));
    }
  }

  /** What {@code step} waits for: the sources and steps it reads, and the writers of the tables its delta sources read. */
  private List<String> edges(String step) {
    List<String> all = new ArrayList<>(inputs.getOrDefault(step, List.of()));
    all.addAll(after.getOrDefault(step, List.of()));
    return all;
  }

  /**
   * The steps after which a model reference to {@code model} is settled: the validate steps of the
   * train steps that register it, else those train steps.
   */
  private static List<String> producers(PipelineSpec spec, String model) {
    List<String> trains = spec.steps().stream()
        .filter(s -> s instanceof TrainStepSpec t && t.modelName().equals(model)).map(StepSpec::name).toList();
    List<String> validates = spec.steps().stream()
        .filter(s -> s instanceof ValidateStepSpec v && trains.contains(v.model())).map(StepSpec::name).toList();
    return validates.isEmpty() ? trains : validates;
  }

  private static StepSpec find(PipelineSpec spec, String name) {
    return spec.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
  }

  /**
   * @param sqlLine line of the reference in the step's SQL, or 0 for an explicit input
   * @param expectation the expectation whose check makes the reference, or null
   */
  private void resolve(String step, String ref, int sqlLine, String expectation, Map<String, String> names,
      Map<String, String> writers, Set<String> out) {
    String name = names.get(ref.toLowerCase(Locale.ROOT));
    if (name != null) {
      out.add(name);
      return;
    }
    String writer = writers.get(ref.toLowerCase(Locale.ROOT));
    String hint;
    if (writer != null) {
      hint = PipelineErrors.readThroughWriter(writer);
    } else if (ref.contains(".")) {
      hint = PipelineErrors.declareAsDeltaSource(ref);
    } else {
      hint = Names.suggestion(ref, names.values());
    }
    unresolved.add(new Unresolved(step, ref, sqlLine == 0 && expectation == null, sqlLine, hint, expectation));
  }

  Map<String, List<String>> inputs() {
    return inputs;
  }

  List<Unresolved> unresolved() {
    return unresolved;
  }

  /** A cycle among steps as {@code [a, b, a]}, or empty when the steps form a DAG. */
  List<String> cycle(List<String> stepOrder) {
    Map<String, Integer> state = new LinkedHashMap<>();
    for (String start : stepOrder) {
      List<String> path = new ArrayList<>();
      List<String> found = dfs(start, state, path);
      if (!found.isEmpty()) {
        return found;
      }
    }
    return List.of();
  }

  private List<String> dfs(String node, Map<String, Integer> state, List<String> path) {
    Integer s = state.get(node);
    if (s != null && s == 2) {
      return List.of();
    }
    if (s != null && s == 1) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
      cycle.add(node);
      return cycle;
    }
    state.put(node, 1);
    path.add(node);
    for (String next : edges(node)) {
      if (inputs.containsKey(next)) {
        List<String> found = dfs(next, state, path);
        if (!found.isEmpty()) {
          return found;
        }
      }
    }
    path.remove(path.size() - 1);
    state.put(node, 2);
    return List.of();
  }

  /** Steps in dependency order, declaration order among independent steps. Assumes no cycle. */
  List<String> topologicalOrder(List<String> stepOrder) {
    List<String> order = new ArrayList<>();
    Set<String> done = new LinkedHashSet<>();
    while (order.size() < stepOrder.size()) {
      for (String step : stepOrder) {
        if (!done.contains(step)
            && edges(step).stream().filter(inputs::containsKey).allMatch(done::contains)) {
          done.add(step);
          order.add(step);
          break;
        }
      }
    }
    return order;
  }
}
