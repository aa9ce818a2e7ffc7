package dev.lakemill.engine.step;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.lakemill.plan.ScoreStepPlan;
import dev.lakemill.registry.ModelRegistry;
import dev.lakemill.registry.ModelVersion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Runs a {@code score} step: applies a registered PipelineModel (feature stages included) to raw
 * rows and writes them with {@code prediction}, {@code probability} (as an array) and the model's
 * name and version on every row.
 */
public final class ScoreStepRunner {
  static final String MODEL_NAME = "model_name";
  static final String MODEL_VERSION = "model_version";

  private ScoreStepRunner() {}

  /**
   * The input scored by {@code model} (resolved by the caller, which records the version in the step's
   * fingerprint); the caller writes them.
   */
  public static Dataset<Row> score(ModelVersion model, Dataset<Row> input) {
    Dataset<Row> scored = PipelineModel.load(model.modelPath()).transform(input);
    return withModel(scored, input.columns(), model);
  }

  /** The input's columns, the model's outputs (vectors as arrays) and the model's identity. */
  static Dataset<Row> withModel(Dataset<Row> scored, String[] inputColumns, ModelVersion model) {
    List<Column> out = new ArrayList<>();
    Arrays.stream(inputColumns).forEach(c -> out.add(col("`" + c.replace("`", "``") + "`")));
    List<String> names = Arrays.asList(scored.columns());
    for (String output : List.of("prediction", "probability")) {
      if (names.contains(output) && !Arrays.asList(inputColumns).contains(output)) {
        boolean vector = scored.schema().apply(output).dataType() instanceof VectorUDT;
        out.add(vector ? org.apache.spark.ml.functions.vector_to_array(col(output), "float64").as(output) : col(output));
      }
    }
    out.add(lit(model.name()).as(MODEL_NAME));
    out.add(lit(model.version()).as(MODEL_VERSION));
    return scored.select(out.toArray(Column[]::new));
  }
}
