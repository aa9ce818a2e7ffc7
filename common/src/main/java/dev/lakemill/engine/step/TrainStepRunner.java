package dev.lakemill.engine.step;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import dev.lakemill.LakemillVersion;
import dev.lakemill.delta.DeltaIO;
import dev.lakemill.delta.InputVersion;
import dev.lakemill.plan.ProblemType;
import dev.lakemill.plan.TablePlan;
import dev.lakemill.plan.TrainStepPlan;
import dev.lakemill.registry.ModelVersion;
import dev.lakemill.registry.TuningResult;
import dev.lakemill.spec.SplitSpec;
import dev.lakemill.spec.TuningSpec;
import dev.lakemill.spec.WriteMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;

/**
 * Runs a {@code train} step: splits its input, writes the test split as a Delta table version,
 * fits ONE MLlib Pipeline (feature stages and estimator) on the training split only, tuned when
 * asked (the training rows are cached once and every fold reads them), evaluates the best model on
 * the holdout and saves it. Registering is the caller's business.
 */
public final class TrainStepRunner {
  /** A fitted, evaluated, saved model: the registry row before its version number. */
  public record Trained(ModelVersion draft, long trainRows, long holdoutRows) {}

  private final SparkSession spark;
  private final String commitTag;

  /** @param commitTag user metadata of the holdout's Delta commit (see {@link DeltaIO#tagCommits}) */
  public TrainStepRunner(SparkSession spark, String commitTag) {
    this.spark = spark;
    this.commitTag = commitTag;
  }

  /**
   * @param data the rows of {@code step.data()}
   * @param holdout where the test split goes: written now when {@code recordedHoldoutVersion} is
   *     negative, else read at that version (reproduce)
   * @param modelPath where the fitted PipelineModel is saved
   * @param draft registry fields the runner knows (run, pipeline, lineage, fingerprint)
   */
  public Trained run(TrainStepPlan step, Dataset<Row> data, String holdout, long recordedHoldoutVersion,
      String modelPath, Draft draft) {
    Column isTest = testRows(step.split(), data);
    long holdoutVersion = recordedHoldoutVersion;
    if (holdoutVersion < 0) {
      TablePlan table = new TablePlan("holdout of " + step.modelName(), holdout, WriteMode.OVERWRITE, List.of(), List.of());
      holdoutVersion = DeltaIO.write(spark, data.where(isTest), table, commitTag).version();
    }
    Dataset<Row> test = DeltaIO.read(spark, holdout, holdoutVersion);
    Dataset<Row> training = data.where(not(isTest)).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long trainRows = training.count();
      if (trainRows == 0) {
        throw RunErrors.emptyTrainingSplit(step.data(), describe(step.split()));
      }
      List<PipelineStage> stages = new ArrayList<>();
      step.featureStages().forEach(s -> stages.add(MlStages.create(s)));
      PipelineStage estimator = MlStages.create(step.estimator());
      if (step.problem() != ProblemType.CLUSTERING) {
        MlStages.setDefault(estimator, step.estimator(), "labelCol", step.label());
      }
      stages.add(estimator);
      Pipeline pipeline = new Pipeline().setStages(stages.toArray(PipelineStage[]::new));
      Fit fit = fit(step, pipeline, estimator, training);
      Dataset<Row> predictions = fit.model().transform(test).persist(StorageLevel.MEMORY_AND_DISK());
      Map<String, Double> metrics;
      long holdoutRows;
      try {
        holdoutRows = predictions.count();
        metrics = ModelMetrics.evaluate(predictions, ModelMetrics.applicable(step.problem(), fit.model()),
            step.label());
      } finally {
        predictions.unpersist();
      }
      save(fit.model(), modelPath);
      ModelVersion version = new ModelVersion(step.modelName(), 0, draft.runId(), draft.pipeline(), step.name(), null,
          step.estimator().className(), step.problem().key(), fit.params(),
          step.tuning() == null ? "" : step.tuning().metric(), fit.tuning(), metrics, step.label(),
          step.featureColumns(), step.data(), draft.lineage(), holdout, holdoutVersion, describe(step.split()),
          draft.fingerprint(), step.definition(), LakemillVersion.get(), spark.version(), modelPath);
      return new Trained(version, trainRows, holdoutRows);
    } finally {
      training.unpersist();
    }
  }

  /** What the caller knows about the run, for the registry row. */
  public record Draft(String runId, String pipeline, List<InputVersion> lineage, String fingerprint) {}

  private record Fit(PipelineModel model, Map<String, String> params, List<TuningResult> tuning) {}

  private Fit fit(TrainStepPlan step, Pipeline pipeline, PipelineStage estimator, Dataset<Row> training) {
    TuningSpec tuning = step.tuning();
    if (tuning == null) {
      PipelineModel model = pipeline.fit(training);
      return new Fit(model, MlStages.describe(estimator.extractParamMap()), List.of());
    }
    ParamMap[] grid = MlStages.grid(estimator, tuning.grid());
    Evaluator evaluator = ModelMetrics.evaluator(tuning.metric(), step.label());
    double[] averages;
    PipelineModel best;
    if (tuning.method() == TuningSpec.Method.CROSS_VALIDATION) {
      CrossValidatorModel cv = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid)
          .setEvaluator(evaluator).setNumFolds(tuning.folds()).setParallelism(tuning.parallelism())
          .setSeed(step.split().seed()).fit(training);
      averages = cv.avgMetrics();
      best = (PipelineModel) cv.bestModel();
    } else {
      TrainValidationSplitModel tvs = new TrainValidationSplit().setEstimator(pipeline).setEstimatorParamMaps(grid)
          .setEvaluator(evaluator).setTrainRatio(tuning.trainRatio()).setParallelism(tuning.parallelism())
          .setSeed(step.split().seed()).fit(training);
      averages = tvs.validationMetrics();
      best = (PipelineModel) tvs.bestModel();
    }
    int bestIndex = 0;
    for (int i = 1; i < averages.length; i++) {
      boolean better = evaluator.isLargerBetter() ? averages[i] > averages[bestIndex] : averages[i] < averages[bestIndex];
      if (better) {
        bestIndex = i;
      }
    }
    List<TuningResult> results = new ArrayList<>();
    for (int i = 0; i < grid.length; i++) {
      results.add(new TuningResult(MlStages.describe(grid[i]), averages[i]));
    }
    Map<String, String> params = MlStages.describe(((Estimator<?>) estimator).copy(grid[bestIndex]).extractParamMap());
    return new Fit(best, params, results);
  }

  /**
   * The test rows: by time, {@code by >= test-from}; at random, a hash of each row's values and the
   * seed, so the same rows are held out whatever the files' order or partitioning.
   */
  public static Column testRows(SplitSpec split, Dataset<Row> data) {
    if (split.byTime()) {
      return expr("`" + split.by().replace("`", "``") + "` >= '" + split.testFrom() + "'");
    }
    List<Column> hashed = new ArrayList<>(List.of(lit(split.seed())));
    for (StructField f : data.schema().fields()) {
      if (!(f.dataType() instanceof MapType)) {
        hashed.add(col("`" + f.name().replace("`", "``") + "`"));
      }
    }
    Column bucket = pmod(xxhash64(hashed.toArray(Column[]::new)), lit(1_000_000L));
    return bucket.lt(lit(Math.round(split.testFraction() * 1_000_000L)));
  }

  static String describe(SplitSpec split) {
    return split.describe();
  }

  private static void save(PipelineModel model, String path) {
    try {
      model.write().overwrite().save(path);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot save the model to " + path, e);
    }
  }
}
