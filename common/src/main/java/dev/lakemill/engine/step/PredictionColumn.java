package dev.lakemill.engine.step;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;

import dev.lakemill.registry.ModelVersion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.ClassificationModel;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;

/**
 * The column through which a drift step watches a model's predictions, chosen by the model's type:
 * a binary classifier's probability of class 1 ({@code prediction_probability}, numeric), a
 * multi-class classifier's or a clustering model's predicted class or cluster ({@code predicted_class},
 * categorical: the class index as text), and a regression model's (or any other model's) predicted
 * value ({@code prediction}, numeric).
 */
enum PredictionColumn {
  PROBABILITY("prediction_probability"),
  PREDICTED_CLASS("predicted_class"),
  PREDICTION("prediction");

  private final String column;

  PredictionColumn(String column) {
    this.column = column;
  }

  /** The column name in the compared rows and the history. */
  String column() {
    return column;
  }

  /** The prediction column of {@code model}, whose fitted pipeline is {@code fitted}. */
  static PredictionColumn of(ModelVersion model, Supplier<PipelineModel> fitted) {
    switch (model.problemType().toLowerCase(Locale.ROOT)) {
      case "classification":
        Transformer[] stages = fitted.get().stages();
        Transformer last = stages.length == 0 ? null : stages[stages.length - 1];
        return last instanceof ClassificationModel<?, ?> c && c.numClasses() > 2 ? PREDICTED_CLASS : PROBABILITY;
      case "clustering":
        return PREDICTED_CLASS;
      default:
        return PREDICTION;
    }
  }

  /**
   * The rows with this column added from the model's outputs ({@code probability}, as an array or a
   * vector, or {@code prediction}); unchanged when they already hold it or hold no output to derive it from.
   */
  Dataset<Row> derive(Dataset<Row> rows) {
    if (has(rows, column)) {
      return rows;
    }
    if (this == PROBABILITY && has(rows, "probability")) {
      Column p = col("probability");
      if (rows.schema().apply("probability").dataType() instanceof VectorUDT) {
        p = org.apache.spark.ml.functions.vector_to_array(p, "float64");
      } else if (!(rows.schema().apply("probability").dataType() instanceof ArrayType)) {
        return rows;
      }
      return rows.withColumn(column, element_at(p, 2).cast("double"));
    }
    if (!has(rows, "prediction")) {
      return rows;
    }
    Column prediction = col("prediction");
    return rows.withColumn(column, this == PREDICTED_CLASS ? prediction.cast("long").cast("string")
        : prediction.cast("double"));
  }

  /**
   * Like {@link #derive}, scoring the rows with the model first when they hold neither this column nor
   * a model output but all of the model's input columns (training rows, a raw feed).
   */
  Dataset<Row> deriveScoring(Dataset<Row> rows, ModelVersion model, Supplier<PipelineModel> fitted) {
    Dataset<Row> derived = derive(rows);
    if (has(derived, column) || !Arrays.asList(rows.columns()).containsAll(model.featureColumns())) {
      return derived;
    }
    Dataset<Row> scored = fitted.get().transform(rows);
    List<Column> keep = new ArrayList<>();
    Arrays.stream(rows.columns()).forEach(c -> keep.add(col("`" + c.replace("`", "``") + "`")));
    keep.add(col(this == PROBABILITY && has(scored, "probability") ? "probability" : "prediction"));
    return derive(scored.select(keep.toArray(Column[]::new)));
  }

  static boolean has(Dataset<Row> rows, String column) {
    return Arrays.asList(rows.columns()).contains(column);
  }
}
