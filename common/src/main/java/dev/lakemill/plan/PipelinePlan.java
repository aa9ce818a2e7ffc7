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

  /** Where the run ledger's tables live. */
  public String ledgerLocation() {
    return lakehouseRoot + "/" + LEDGER_FOLDER;
  }
}
