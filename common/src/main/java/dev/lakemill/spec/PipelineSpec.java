package dev.lakemill.spec;

import java.util.List;
import java.util.Map;

/**
 * A pipeline file as declared: unvalidated across fields, with every value tagged by its location.
 *
 * @param file the pipeline file as given on the command line
 * @param info the {@code pipeline} block
 * @param params the {@code params} block after command-line overrides, as strings
 * @param sources sources in declaration order
 * @param steps steps in declaration order (execution order is the planner's business)
 * @param canonicalSteps each step's config rendered canonically (keys sorted, no comments, params
 *     substituted): the config part of its fingerprint
 * @param locations where each bound key path was declared, e.g. {@code sources.plans.schema}
 */
public record PipelineSpec(
    String file,
    PipelineInfo info,
    Map<String, String> params,
    List<SourceSpec> sources,
    List<StepSpec> steps,
    Map<String, String> canonicalSteps,
    Map<String, SourceLocation> locations) {
  public PipelineSpec {
    params = Map.copyOf(params);
    sources = List.copyOf(sources);
    steps = List.copyOf(steps);
    canonicalSteps = Map.copyOf(canonicalSteps);
    locations = Map.copyOf(locations);
  }

  /** Where {@code path} was declared, or {@code fallback} if that key was not bound. */
  public SourceLocation at(String path, SourceLocation fallback) {
    return locations.getOrDefault(path, fallback);
  }
}
