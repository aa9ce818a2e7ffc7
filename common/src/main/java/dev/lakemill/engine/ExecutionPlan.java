package dev.lakemill.engine;

import java.util.List;

/**
 * What one run will do, decided in one pass over the compiled plan and the ledger before any step
 * runs ({@link RunPlanner}): one decision per step to run, in execution order. {@code lakemill plan}
 * prints it; {@link PipelineRunner} executes it.
 *
 * @param pipeline pipeline name
 * @param runId the run id the decisions were made for (steps outside the run are read as recorded for it)
 * @param steps the selected steps and the views they read, in execution order
 */
public record ExecutionPlan(String pipeline, String runId, List<StepDecision> steps) {
  public ExecutionPlan {
    steps = List.copyOf(steps);
  }
}
