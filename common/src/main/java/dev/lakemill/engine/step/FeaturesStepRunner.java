package dev.lakemill.engine.step;

import static org.apache.spark.sql.functions.col;

import dev.lakemill.plan.FeaturesStepPlan;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

/**
 * Runs a {@code features} step with an output: fits its stages on the whole input and returns the
 * transformed rows, vectors as arrays of doubles (a plain Delta column type). Without an output the
 * step has nothing to do: train steps fit its stages with their estimator.
 */
public final class FeaturesStepRunner {
  private FeaturesStepRunner() {}

  public static Dataset<Row> transform(FeaturesStepPlan step, Dataset<Row> input) {
    List<PipelineStage> stages = new ArrayList<>();
    step.stages().forEach(s -> stages.add(MlStages.create(s)));
    Dataset<Row> out = new Pipeline().setStages(stages.toArray(PipelineStage[]::new)).fit(input).transform(input);
    List<Column> columns = new ArrayList<>();
    for (StructField f : out.schema().fields()) {
      Column c = col("`" + f.name().replace("`", "``") + "`");
      columns.add(f.dataType() instanceof VectorUDT
          ? org.apache.spark.ml.functions.vector_to_array(c, "float64").as(f.name()) : c);
    }
    return out.select(columns.toArray(Column[]::new));
  }
}
