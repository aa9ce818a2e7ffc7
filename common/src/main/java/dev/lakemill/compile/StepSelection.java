package dev.lakemill.compile;

import dev.lakemill.error.PipelineErrors;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.plan.StepPlan;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Resolves {@code --steps a,b} and {@code --from step} against a plan. */
public final class StepSelection {
  private StepSelection() {}

  /**
   * @param steps names given with {@code --steps}; empty for all
   * @param from name given with {@code --from} (that step and everything downstream of it), or null
   * @return the selected steps in execution order
   * @throws IllegalArgumentException naming an unknown step, with a did-you-mean
   */
  public static Set<String> select(PipelinePlan plan, List<String> steps, String from) {
    List<String> all = plan.steps().stream().map(StepPlan::name).toList();
    Set<String> wanted = new LinkedHashSet<>();
    for (String name : steps) {
      wanted.add(known(all, name, "--steps"));
    }
    if (from != null) {
      Set<String> downstream = new LinkedHashSet<>();
      Deque<String> queue = new ArrayDeque<>(List.of(known(all, from, "--from")));
      while (!queue.isEmpty()) {
        String next = queue.pop();
        if (downstream.add(next)) {
          plan.steps().stream().filter(s -> plan.upstreams(s).contains(next)).forEach(s -> queue.add(s.name()));
        }
      }
      wanted.addAll(downstream);
    }
    if (steps.isEmpty() && from == null) {
      wanted.addAll(all);
    }
    Set<String> ordered = new LinkedHashSet<>();
    all.stream().filter(wanted::contains).forEach(ordered::add);
    return ordered;
  }

  /** Adds the view-only steps (no output table) that selected steps read, transitively. */
  public static Set<String> withViewInputs(PipelinePlan plan, Set<String> selected) {
    Set<String> needed = new LinkedHashSet<>(selected);
    Deque<String> queue = new ArrayDeque<>(selected);
    while (!queue.isEmpty()) {
      StepPlan step = plan.step(queue.pop()).orElseThrow();
      for (String input : step.inputs()) {
        plan.step(input).filter(s -> s.isView() && needed.add(s.name())).ifPresent(s -> queue.add(s.name()));
      }
    }
    Set<String> ordered = new LinkedHashSet<>();
    plan.steps().stream().map(StepPlan::name).filter(needed::contains).forEach(ordered::add);
    return ordered;
  }

  /** {@code names}, each checked to be a step of {@code plan} ({@code option} names the flag in errors). */
  public static Set<String> steps(PipelinePlan plan, List<String> names, String option) {
    List<String> all = plan.steps().stream().map(StepPlan::name).toList();
    Set<String> known = new LinkedHashSet<>();
    names.forEach(n -> known.add(known(all, n, option)));
    return known;
  }

  private static String known(List<String> all, String name, String option) {
    if (!all.contains(name)) {
      throw PipelineErrors.unknownStep(name, option, all);
    }
    return name;
  }
}
