package dev.lakemill.compile.plan;

import java.util.List;

/** A validated, bound step: everything a runner needs, no Config. */
public sealed interface StepPlan permits SqlStepPlan {
  String name();

  /** Sources and steps this step reads, by name, in a stable order. */
  List<String> inputs();

  /** The table written, or null for a view-only step. */
  TablePlan output();

  /** SHA-256 of the step's canonical config; the ledger's fingerprint adds input versions to it. */
  String configHash();

  <R> R accept(StepPlanVisitor<R> visitor);
}
