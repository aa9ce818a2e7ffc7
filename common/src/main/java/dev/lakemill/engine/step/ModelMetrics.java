package dev.lakemill.engine.step;

import dev.lakemill.plan.ProblemType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** MLlib evaluators by metric name: the metrics of {@link ProblemType}. */
final class ModelMetrics {
  private ModelMetrics() {}

  /** The evaluator of {@code metric}, reading {@code label} and MLlib's default output columns. */
  static Evaluator evaluator(String metric, String label) {
    return switch (metric) {
      case "areaUnderROC", "areaUnderPR" ->
          new BinaryClassificationEvaluator().setMetricName(metric).setLabelCol(label);
      case "f1", "accuracy", "weightedPrecision", "weightedRecall", "logLoss" ->
          new MulticlassClassificationEvaluator().setMetricName(metric).setLabelCol(label);
      case "rmse", "mse", "mae", "r2" -> new RegressionEvaluator().setMetricName(metric).setLabelCol(label);
      case "silhouette" -> new ClusteringEvaluator().setMetricName(metric);
      default -> throw new IllegalArgumentException("Unknown metric " + metric);
    };
  }

  /** Every metric of {@code metrics} on {@code predictions} (cache them first: one pass per metric). */
  static Map<String, Double> evaluate(Dataset<Row> predictions, List<String> metrics, String label) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String metric : metrics) {
      out.put(metric, evaluator(metric, label).evaluate(predictions));
    }
    return out;
  }
}
