package dev.lakemill.engine.step;

import dev.lakemill.plan.ProblemType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.ClassificationModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** MLlib evaluators by metric name: the metrics of {@link ProblemType}. */
final class ModelMetrics {
  private static final List<String> BINARY_ONLY = List.of("areaUnderROC", "areaUnderPR");

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

  /**
   * The metrics of {@code problem} that apply to {@code model}: all of them, except the binary metrics
   * {@code areaUnderROC} and {@code areaUnderPR} for a classifier of more than two classes (MLlib's
   * binary evaluator rejects its predictions).
   */
  static List<String> applicable(ProblemType problem, PipelineModel model) {
    Transformer[] stages = model.stages();
    boolean multiClass = stages.length > 0 && stages[stages.length - 1] instanceof ClassificationModel<?, ?> c
        && c.numClasses() > 2;
    return problem.metrics().stream().filter(m -> !multiClass || !BINARY_ONLY.contains(m)).toList();
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
