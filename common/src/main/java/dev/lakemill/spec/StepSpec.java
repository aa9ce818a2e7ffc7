package dev.lakemill.spec;

import java.util.List;

/**
 * One entry of {@code steps { <name> { type = ..., ... } }}.
 *
 * <p>{@code sql} transforms rows; {@code features}, {@code train}, {@code validate} and {@code score}
 * are the MLlib lifecycle; {@code drift} monitors a model's inputs and predictions.
 */
public sealed interface StepSpec
    permits SqlStepSpec, FeaturesStepSpec, TrainStepSpec, ValidateStepSpec, ScoreStepSpec, DriftStepSpec {
  /** The step's name: its key under {@code steps}; SQL of later steps references it by this name. */
  String name();

  /** Names declared with {@code inputs = [...]}; SQL steps also infer inputs from their SQL. */
  List<String> inputs();

  /** Where the output goes; null when the step only defines a view for later steps. */
  OutputSpec output();

  /** Where the step was declared. */
  SourceLocation at();
}
