package dev.lakemill.plan;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A compiled pipeline: sources and steps in execution order, with every name, path and value
 * resolved. Immutable; runners execute it.
 *
 * @param pipeline pipeline name
 * @param file the pipeline file
 * @param description pipeline description
 * @param params params after overrides
 * @param lakehouseRoot root of lakehouse tables and of the ledger
 * @param sources sources in declaration order
 * @param steps steps in a topological order (declaration order among independent steps)
 */
public record PipelinePlan(
    String pipeline,
    String file,
    String description,
    Map<String, String> params,
    String lakehouseRoot,
    List<SourcePlan> sources,
    List<StepPlan> steps) {
  /** The run ledger's folder under the lakehouse root. */
  public static final String LEDGER_FOLDER = "_lakemill";

  public PipelinePlan {
    params = Map.copyOf(params);
    sources = List.copyOf(sources);
    steps = List.copyOf(steps);
  }

  public Optional<StepPlan> step(String name) {
    return steps.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  public Optional<SourcePlan> source(String name) {
    return sources.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /**
   * The step of this pipeline that writes the table a {@code delta} source reads (no time travel
   * pinned), other than {@code reader}: the source is read at the version that step wrote in the run,
   * so it runs first (an inferred dependency).
   */
  public Optional<StepPlan> writerOf(SourcePlan source, String reader) {
    if (source.format() != dev.lakemill.spec.SourceFormat.DELTA || source.location() == null
        || source.versionAsOf() != null || source.timestampAsOf() != null) {
      return Optional.empty();
    }
    String location = trimSlash(source.location());
    return steps.stream().filter(s -> !s.name().equals(reader) && s.output() != null
        && trimSlash(s.output().location()).equals(location)).findFirst();
  }

  /**
   * The steps {@code step} waits for: the steps it reads, and the writers of the tables its
   * {@code delta} sources read ({@link #writerOf}).
   */
  public List<String> upstreams(StepPlan step) {
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    for (String input : step.inputs()) {
      if (step(input).isPresent()) {
        out.add(input);
      } else {
        source(input).flatMap(s -> writerOf(s, step.name())).ifPresent(w -> out.add(w.name()));
      }
    }
    return List.copyOf(out);
  }

  private static String trimSlash(String location) {
    return location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
  }

  /** Where the run ledger's tables live. */
  public String ledgerLocation() {
    return lakehouseRoot + "/" + LEDGER_FOLDER;
  }
}
