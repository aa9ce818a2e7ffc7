package dev.lakemill.plan;

import dev.lakemill.drift.DriftOptions;
import dev.lakemill.spec.DriftStepSpec;
import dev.lakemill.spec.ModelRef;
import java.util.List;

/**
 * @param name step name
 * @param inputs the steps and sources read ({@code current}, {@code reference}), then the steps that
 *     must finish before the model reference is resolved (those that register or promote it here)
 * @param model the model whose inputs and predictions are watched, or null for data drift only
 * @param current the rows judged
 * @param reference the baseline, or null for the model's exact training rows (never null without a model)
 * @param columns the columns compared; empty for the default (the model's raw input columns, or without a
 *     model the columns both sides share)
 * @param options methods, thresholds and {@code exact-max-rows}
 * @param datasetDriftShare share of drifted columns at which the dataset drifts
 * @param output the history table (appended to; a run replaces its own run date's rows)
 * @param report the HTML report's absolute path or URI, or null
 * @param onDrift what to do on dataset drift
 * @param runDate {@code params.run-date} when the pipeline declares it (validated {@code yyyy-MM-dd}),
 *     else null: the runner then uses the UTC date it runs on
 * @param configHash hash of the step's canonical config
 */
public record DriftStepPlan(
    String name,
    List<String> inputs,
    ModelRef model,
    Data current,
    Data reference,
    List<String> columns,
    DriftOptions options,
    double datasetDriftShare,
    TablePlan output,
    String report,
    DriftStepSpec.OnDrift onDrift,
    String runDate,
    String configHash)
    implements StepPlan {
  public DriftStepPlan {
    inputs = List.copyOf(inputs);
    columns = List.copyOf(columns);
  }

  /**
   * Rows to compare: a source or step of the pipeline (its view, or for a step with an output table,
   * the rows its commit wrote) or a lakehouse table at a version.
   *
   * @param step the source or step name, or null for a table
   * @param table the table ({@code schema.table}): a step's output table, or the named table; null for
   *     a source or a view-only step
   * @param location the table's location, or null
   * @param version the table version for a named table, or null for its latest (steps: the version the
   *     run wrote or read)
   */
  public record Data(String step, String table, String location, Long version) {
    /** How {@code lakemill plan} and the history table name it. */
    public String label() {
      if (step == null) {
        return table + (version == null ? "" : "@v" + version);
      }
      return step;
    }
  }

  @Override
  public String effect() {
    StringBuilder out = new StringBuilder("checks " + (model == null ? "data drift" : "drift of " + model) + ": "
        + current.label() + " vs " + (reference == null ? "its training rows" : reference.label()) + ", writes "
        + output.name() + " (history)");
    if (onDrift.acts()) {
      out.append("; on drift");
      if (onDrift.consecutiveRuns() > 1) {
        out.append(" ").append(onDrift.consecutiveRuns()).append(" runs in a row");
      }
      if (onDrift.triggerPipeline() != null) {
        out.append(" triggers ").append(onDrift.triggerPipeline());
      }
      if (onDrift.failRun()) {
        out.append(onDrift.triggerPipeline() != null ? " and" : "").append(" fails the run");
      }
    }
    return out.toString();
  }

  @Override
  public <R> R accept(StepPlanVisitor<R> visitor) {
    return visitor.visitDrift(this);
  }
}
