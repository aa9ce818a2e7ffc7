package dev.lakemill.plan;

import java.util.List;

/** A validated, bound step: everything a runner needs, no Config. */
public sealed interface StepPlan
    permits SqlStepPlan, FeaturesStepPlan, TrainStepPlan, ValidateStepPlan, ScoreStepPlan, DriftStepPlan {
  String name();

  /** Sources and steps this step reads, by name, in a stable order. */
  List<String> inputs();

  /** The table written, or null for a view-only step. */
  TablePlan output();

  /** SHA-256 of the step's canonical config; the ledger's fingerprint adds input versions to it. */
  String configHash();

  /**
   * True for a step whose result only lives in the run (no output table): later steps of the same
   * run read it, so a selected step pulls it into the run. Train and validate steps are not views.
   */
  default boolean isView() {
    return output() == null;
  }

  /** What the step leaves behind, for {@code lakemill plan}. */
  default String effect() {
    return output() == null ? "(view only)" : "writes " + output().name() + " (" + output().mode().key() + ")";
  }

  <R> R accept(StepPlanVisitor<R> visitor);
}
