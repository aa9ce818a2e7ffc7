package dev.lakemill.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lakemill.PipelineFixture.Run;
import dev.lakemill.SparkTestBase;
import dev.lakemill.check.Checks;
import dev.lakemill.compile.StepSelection;
import dev.lakemill.delta.InputVersion;
import dev.lakemill.engine.step.TrainStepRunner;
import dev.lakemill.ledger.StepRecord;
import dev.lakemill.ledger.StepStatus;
import dev.lakemill.ops.Reproducer;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.registry.AliasAction;
import dev.lakemill.registry.AliasEvent;
import dev.lakemill.registry.ModelRegistry;
import dev.lakemill.registry.ModelVersion;
import dev.lakemill.registry.Validation;
import dev.lakemill.spec.ModelRef;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The ML lifecycle on generated churn data, with real MLlib fits and Delta tables: train, gate,
 * promote, a worse challenger kept out, scoring by alias and by version, rollback, as-of and
 * reproduce. Small data and fast estimators keep it quick; churn.conf's GBT grid runs in the benchmark.
 */
class MlLifecycleTest extends SparkTestBase {
  private static final String PIPELINE = """
      pipeline { name = churn-ml }
      params { rows = 3000, seed = 7 }
      sources { customers { format = generate, generator = churn-customers, rows = ${params.rows}, seed = ${params.seed} } }
      steps {
        prepare {
          type = sql
          sql = "SELECT customer_id, age, tenure_months, support_calls, region, plan, churned FROM customers"
          output = silver.customers
        }
        features {
          type = features
          input = prepare
          stages = [
            { type = Imputer, params { inputCols = [tenure_months], outputCols = [tenure_filled], strategy = median } }
            { type = StringIndexer, params { inputCols = [plan, region], outputCols = [plan_idx, region_idx], handleInvalid = keep } }
            { type = OneHotEncoder, params { inputCols = [plan_idx, region_idx], outputCols = [plan_vec, region_vec] } }
            { type = VectorAssembler, params { inputCols = [age, tenure_filled, support_calls, plan_vec, region_vec], outputCol = features } }
          ]
        }
        train {
          type = train
          input = features
          label = churned
          split { test-fraction = 0.25, seed = 42 }
          ESTIMATOR
          register-as = churn
        }
        validate {
          type = validate
          model = train
          metrics = [areaUnderROC, accuracy]
          gates = [
            { metric = areaUnderROC, at-least = 0.4 }
            { metric = areaUnderROC, at-least-champion-minus = 0.01 }
          ]
          promote-to = champion
        }
        score { type = score, model = "churn@champion", input = prepare, output = gold.churn_scores }
      }
      """;

  private static final String GOOD = """
      estimator { type = LogisticRegression, params { maxIter = 10 } }
          tuning {
            method = train-validation-split
            train-ratio = 0.75
            metric = areaUnderROC
            grid { regParam = [0.0, 0.05] }
          }""";

  /** A one-split tree: clearly worse than the logistic regression on the same data. */
  private static final String WORSE = "estimator { type = DecisionTreeClassifier, params { maxDepth = 1 } }";

  private PipelinePlan plan(String name, String text) {
    return lake.plan(name, text, Map.of());
  }

  private Run run(PipelinePlan plan) {
    return lake.run(plan, dev.lakemill.ledger.RunIds.generate());
  }

  private ModelRegistry registry() {
    return new ModelRegistry(spark, lakehouse.resolve("_lakemill").toString());
  }

  private List<Row> scores() {
    return lake.table("gold.churn_scores")
        .groupBy("model_name", "model_version")
        .agg(org.apache.spark.sql.functions.count("*"), org.apache.spark.sql.functions.expr("min(size(probability))"))
        .collectAsList();
  }

  @Test
  void trainsGatesPromotesScoresAndKeepsAWorseChallengerOut() throws IOException {
    Run first = run(plan("good", PIPELINE.replace("ESTIMATOR", GOOD)));

    assertThat(first.succeeded()).as(first.run().error()).isTrue();
    ModelRegistry registry = registry();
    ModelVersion v1 = registry.resolve(ModelRef.parse("churn@champion").orElseThrow());
    assertThat(v1.version()).isEqualTo(1);
    assertThat(v1.estimatorClass()).isEqualTo("org.apache.spark.ml.classification.LogisticRegression");
    assertThat(v1.metrics()).containsOnlyKeys("areaUnderROC", "areaUnderPR", "f1", "accuracy", "weightedPrecision",
        "weightedRecall", "logLoss");
    assertThat(v1.metrics().get("areaUnderROC")).isGreaterThan(0.75);
    assertThat(v1.tuning()).hasSize(2);
    assertThat(v1.params()).containsKey("regParam").containsEntry("maxIter", "10");
    assertThat(v1.featureColumns()).containsExactly("tenure_months", "plan", "region", "age", "support_calls");
    assertThat(v1.lineage()).extracting(InputVersion::name).containsExactly("features", "prepare", "customers");
    assertThat(v1.dataVersion()).isEqualTo(new InputVersion("prepare", lakehouse.resolve("silver/customers").toString(), 0));
    StepRecord train = first.steps().stream().filter(s -> s.step().equals("train")).findFirst().orElseThrow();
    assertThat(train.outputTable()).isEqualTo("model churn");
    assertThat(train.outputVersion()).isEqualTo(1);
    assertThat(v1.fingerprint()).isEqualTo(train.fingerprint());
    long holdout = spark.read().format("delta").option("versionAsOf", v1.holdoutVersion()).load(v1.holdoutLocation()).count();
    assertThat(train.rowsIn()).as("training and holdout rows together").isEqualTo(3000);
    assertThat((double) holdout / 3000).isCloseTo(0.25, within(0.04));
    assertThat(first.infos()).anyMatch(m -> m.startsWith("churn@v1 is now churn@champion"));
    assertThat(scores()).hasSize(1);
    assertThat(scores().get(0).getString(0)).isEqualTo("churn");
    assertThat(scores().get(0).getInt(1)).isEqualTo(1);
    assertThat(scores().get(0).getLong(2)).isEqualTo(3000);
    assertThat(scores().get(0).getInt(3)).isEqualTo(2);

    Run second = run(plan("worse", PIPELINE.replace("ESTIMATOR", WORSE)));

    assertThat(second.succeeded()).isFalse();
    assertThat(second.run().error())
        .startsWith("Step 'validate' failed: model churn@v2 did not pass its gates: PASS areaUnderROC at-least:")
        .contains("FAIL areaUnderROC at-least-champion-minus:", "(champion v1: ")
        .contains("It stays registered, unpromoted; champion stays v1");
    assertThat(second.steps()).extracting(StepRecord::step, StepRecord::status).contains(
        org.assertj.core.groups.Tuple.tuple("train", StepStatus.SUCCEEDED),
        org.assertj.core.groups.Tuple.tuple("validate", StepStatus.FAILED),
        org.assertj.core.groups.Tuple.tuple("score", StepStatus.NOT_RUN));
    assertThat(registry.versions("churn")).extracting(ModelVersion::version).containsExactly(1, 2);
    assertThat(registry.aliasesAt("churn", null)).containsEntry("champion", 1);
    List<Validation> validations = registry.validations("churn");
    assertThat(validations).extracting(Validation::version, Validation::passed)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, true), org.assertj.core.groups.Tuple.tuple(2, false));
    ModelVersion v2 = registry.version("churn", 2).orElseThrow();
    assertThat(v2.metrics().get("areaUnderROC")).isLessThan(v1.metrics().get("areaUnderROC") - 0.01);
    assertThat(v2.holdoutVersion()).isEqualTo(v1.holdoutVersion() + 1);
    assertThat(scores().get(0).getInt(1)).as("the scores table still holds the champion's scores").isEqualTo(1);

    // Scoring a pinned version, whatever the champion is.
    Run pinned = run(plan("pinned", PIPELINE.replace("ESTIMATOR", GOOD)
        .replace("model = \"churn@champion\"", "model = \"churn@v2\"")));
    assertThat(pinned.steps()).filteredOn(s -> s.step().equals("score")).singleElement()
        .satisfies(s -> assertThat(s.status()).isEqualTo(StepStatus.SUCCEEDED))
        .satisfies(s -> assertThat(s.inputs()).extracting(InputVersion::name).contains("model churn@v2"));
    assertThat(scores().get(0).getInt(1)).isEqualTo(2);
    assertThat(registry.versions("churn")).extracting(ModelVersion::version).containsExactly(1, 2, 3);
  }

  @Test
  void splitsAreTheSameRowsWhateverThePartitioningAndByTimeSplitsOnTheColumn() {
    org.apache.spark.sql.Dataset<Row> rows = spark.sql(
        "SELECT id, CAST(id % 7 AS STRING) AS s, DATE '2026-01-01' + CAST(id % 60 AS INT) AS day FROM range(2000)");
    dev.lakemill.spec.SplitSpec random = new dev.lakemill.spec.SplitSpec(0.2, 42, null, null, null);
    List<Long> test = rows.where(TrainStepRunner.testRows(random, rows)).select("id").as(org.apache.spark.sql.Encoders.LONG())
        .collectAsList().stream().sorted().toList();
    org.apache.spark.sql.Dataset<Row> shuffled = rows.repartition(7);
    List<Long> again = shuffled.where(TrainStepRunner.testRows(random, shuffled)).select("id")
        .as(org.apache.spark.sql.Encoders.LONG()).collectAsList().stream().sorted().toList();
    assertThat(again).isEqualTo(test);
    assertThat(test.size() / 2000.0).isCloseTo(0.2, within(0.03));
    dev.lakemill.spec.SplitSpec otherSeed = new dev.lakemill.spec.SplitSpec(0.2, 43, null, null, null);
    assertThat(rows.where(TrainStepRunner.testRows(otherSeed, rows)).select("id").as(org.apache.spark.sql.Encoders.LONG())
        .collectAsList()).isNotEqualTo(test);

    dev.lakemill.spec.SplitSpec byTime = new dev.lakemill.spec.SplitSpec(null, 42, "day", "2026-02-20", null);
    assertThat(rows.where(TrainStepRunner.testRows(byTime, rows)).count())
        .isEqualTo(rows.where("day >= DATE '2026-02-20'").count())
        .isPositive();
  }

  @Test
  void rollbackAndAsOfReplayAliasEvents() throws IOException {
    assertThat(run(plan("good", PIPELINE.replace("ESTIMATOR", GOOD))).succeeded()).isTrue();
    ModelRegistry registry = registry();
    ModelVersion v1 = registry.version("churn", 1).orElseThrow();
    ModelVersion v2 = registry.register(v1);
    ModelVersion v3 = registry.register(v1);
    Instant t0 = Instant.parse("2026-10-01T00:00:00Z");
    registry.recordEvent(new AliasEvent("churn", AliasAction.PROMOTE, "champion", v2.version(), t0.plusSeconds(3600), "", "test"));
    registry.recordEvent(new AliasEvent("churn", AliasAction.PROMOTE, "champion", v3.version(), t0.plusSeconds(7200), "", "test"));
    registry.recordEvent(new AliasEvent("churn", AliasAction.ROLLBACK, "champion", 2, t0.plusSeconds(10800), "", "test"));

    // v1 was promoted by the run, now: after the events above in time.
    assertThat(registry.aliasesAt("churn", t0)).isEmpty();
    assertThat(registry.aliasesAt("churn", t0.plusSeconds(3600))).containsEntry("champion", 2);
    assertThat(registry.aliasesAt("churn", t0.plusSeconds(9000))).containsEntry("champion", 3);
    assertThat(registry.aliasesAt("churn", t0.plusSeconds(10800))).containsEntry("champion", 2);
    assertThat(registry.aliasesAt("churn", null)).containsEntry("champion", 1);
    assertThat(registry.previousVersion("churn", "champion")).isEqualTo(2);
    assertThatThrownBy(() -> registry.resolve(ModelRef.parse("churn@staging").orElseThrow()))
        .hasMessage("Model 'churn' has no alias 'staging' (aliases: {champion=1}, versions v1..v3); promote one with:"
            + " lakemill models promote churn@vN --alias staging");
    assertThatThrownBy(() -> registry.resolve(ModelRef.parse("churn@v9").orElseThrow()))
        .hasMessage("Model 'churn' has no version 9 (versions v1..v3)");
    assertThatThrownBy(() -> registry.resolve(ModelRef.parse("fraud@champion").orElseThrow()))
        .hasMessage("No model named 'fraud' is registered (registered: churn); train one with a train step"
            + " (register-as = fraud)");
  }

  @Test
  void reproduceRetrainsFromTheRecordedVersionsWithTheSameMetrics() throws IOException {
    assertThat(run(plan("good", PIPELINE.replace("ESTIMATOR", GOOD))).succeeded()).isTrue();
    // The input moves on: a later run writes silver.customers v1 with other rows.
    assertThat(run(plan("later", PIPELINE.replace("ESTIMATOR", GOOD).replace("seed = 7", "seed = 8")))
        .succeeded()).isTrue();
    ModelVersion v1 = registry().version("churn", 1).orElseThrow();

    Reproducer.Reproduced again = new Reproducer(spark).reproduce(v1, lake.env());

    assertThat(again.metrics().keySet()).isEqualTo(v1.metrics().keySet());
    v1.metrics().forEach((metric, value) -> assertThat(again.metrics().get(metric)).as(metric).isCloseTo(value, within(1e-6)));
    ModelVersion v2 = registry().version("churn", 2).orElseThrow();
    assertThat(v2.dataVersion().version()).isEqualTo(1);
    assertThat(v2.metrics().get("areaUnderROC")).isNotCloseTo(v1.metrics().get("areaUnderROC"), within(1e-9));
  }
  /** The nightly drift step of the lineage test: tonight's customers against the champion's training rows. */
  private static final String NIGHTLY = """
      pipeline { name = churn-watch }
      sources { customers { format = generate, generator = churn-customers, rows = 300, seed = 9 } }
      steps {
        tonight { type = sql, sql = "SELECT age, tenure_months, support_calls, region, plan FROM customers" }
        drift { type = drift, model = "churn@champion", current = tonight, columns = [age, plan], output = monitoring.churn_drift }
      }
      """;

  /**
   * Makes Delta clean {@code location}'s log up to its newest version, as it does to any table 30 days
   * on: a log retention of one second, two more versions, the log files aged by three days (Delta
   * decides by their modification time, in whole days), then a commit with a checkpoint, which cleans up.
   */
  private static void cleanLog(String location) throws IOException {
    spark.sql("ALTER TABLE delta.`" + location + "` SET TBLPROPERTIES ('delta.logRetentionDuration' = 'interval 1"
        + " seconds', 'delta.deletedFileRetentionDuration' = 'interval 1 seconds', 'delta.checkpointInterval' = '1')");
    for (int i = 0; i < 3; i++) {
      if (i == 2) {
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(3 * 86_400));
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(java.nio.file.Path.of(location, "_delta_log"))) {
          for (java.nio.file.Path f : files.toList()) {
            java.nio.file.Files.setLastModifiedTime(f, old);
          }
        }
      }
      spark.read().format("delta").load(location).write().format("delta").mode("overwrite").save(location);
    }
  }

  @Test
  void lineageOutlivesDeltasLogCleanupUntilTheModelIsArchived() throws IOException {
    String train = PIPELINE.replace("ESTIMATOR", "estimator { type = LogisticRegression, params { maxIter = 10 } }");
    assertThat(lake.run(lake.plan("train", train, Map.of("rows", "600")), "train-1").succeeded()).isTrue();
    ModelVersion v1 = registry().version("churn", 1).orElseThrow();
    String silver = lake.location("silver.customers");
    String holdout = v1.holdoutLocation();
    assertThat(v1.dataVersion().version()).isZero();
    cleanLog(silver);
    cleanLog(holdout);
    assertThatThrownBy(() -> spark.read().format("delta").option("versionAsOf", 0).load(silver).count())
        .hasMessageContaining("Cannot time travel Delta table to version 0");
    assertThatThrownBy(() -> spark.read().format("delta").option("versionAsOf", 0).load(holdout).count())
        .hasMessageContaining("Cannot time travel Delta table to version 0");
    // Delta no longer knows those versions' files (their tombstones expired with the log): only the pins keep them.
    List<dev.lakemill.ops.Vacuum.Outcome> live = new dev.lakemill.ops.Vacuum(spark).run(lakehouse.toString(), 0, false);
    assertThat(live).filteredOn(o -> o.location().equals(silver)).singleElement()
        .satisfies(o -> assertThat(o.pinnedFiles()).isPositive());

    Reproducer.Reproduced again = new Reproducer(spark).reproduce(v1, lake.env());
    Run night = lake.run(lake.plan("watch", NIGHTLY, Map.of()), "night-1");

    v1.metrics().forEach((metric, value) -> assertThat(again.metrics().get(metric)).as(metric).isCloseTo(value, within(1e-6)));
    assertThat(night.succeeded()).as(night.run().error()).isTrue();
    assertThat(lake.sql("SELECT DISTINCT model_version, reference_table, reference_version FROM delta.`"
        + lake.location("monitoring.churn_drift") + "`")).extracting(Row::toString)
        .containsExactly("[1,silver.customers,0]");

    registry().recordEvent(new AliasEvent("churn", AliasAction.ARCHIVE, "", 1, Instant.now(), "", "test"));
    List<dev.lakemill.ops.Vacuum.Outcome> vacuumed = new dev.lakemill.ops.Vacuum(spark).run(lakehouse.toString(), 0, false);

    assertThat(vacuumed).filteredOn(dev.lakemill.ops.Vacuum.Outcome::pinRemoved).hasSize(2);
    String gone = "Cannot read the training input '" + v1.dataInput() + "' of churn@v1, " + silver + " at v0: Delta's"
        + " log no longer holds that version (it cleans log entries older than the table's delta.logRetentionDuration"
        + " at checkpoints), and churn@v1 is archived, so lakemill vacuum removed its lineage pin. Nothing was"
        + " written. Use a model version that is not archived (lakemill models list churn), or train a new version";
    assertThatThrownBy(() -> new Reproducer(spark).reproduce(v1, lake.env()))
        .isInstanceOf(dev.lakemill.error.LakemillException.class).hasMessage(gone)
        .extracting(e -> ((dev.lakemill.error.LakemillException) e).kind())
        .isEqualTo(dev.lakemill.error.LakemillException.Kind.INVALID_INPUT);
    Run after = lake.run(lake.plan("watch", NIGHTLY.replace("seed = 9", "seed = 10"), Map.of()), "night-2");
    assertThat(after.succeeded()).isFalse();
    assertThat(after.steps()).filteredOn(st -> st.step().equals("drift")).singleElement()
        .satisfies(st -> assertThat(st.error()).isEqualTo("Step 'drift' failed: " + gone));
  }

  /** Each run appends its customers to silver.customers, and the model learns from the rows this run appended. */
  private static final String APPENDING = """
      pipeline { name = churn-append }
      params { seed = 7 }
      sources { customers { format = generate, generator = churn-customers, rows = 400, seed = ${params.seed} } }
      steps {
        prepare {
          type = sql
          sql = "SELECT customer_id, age, support_calls, region, plan, churned FROM customers"
          output { table = silver.customers, mode = append }
        }
        features {
          type = features
          input = prepare
          stages = [{ type = VectorAssembler, params { inputCols = [age, support_calls], outputCol = features } }]
        }
        train {
          type = train
          input = features
          label = churned
          split { test-fraction = 0.25, seed = 42 }
          estimator { type = LogisticRegression, params { maxIter = 5 } }
          register-as = churn
        }
      }
      """;

  @Test
  void aModelTrainedOnTheRowsItsRunAppendedIsReproducedAndComparedOnThoseRows() throws IOException {
    assertThat(lake.run(lake.plan("append", APPENDING, Map.of()), "r1").succeeded()).isTrue();
    // A registry from before lineage entries had written_by: v1's lineage without the field.
    String models = registry().modelsLocation();
    spark.read().format("delta").load(models).withColumn("lineage", org.apache.spark.sql.functions.expr(
            "transform(lineage, i -> named_struct('name', i.name, 'location', i.location, 'version', i.version))"))
        .write().format("delta").mode("overwrite").option("overwriteSchema", "true").save(models);
    Run second = lake.run(lake.plan("append", APPENDING, Map.of("seed", "8")), "r2");
    assertThat(second.succeeded()).as(second.run().error()).isTrue();

    ModelVersion v1 = registry().version("churn", 1).orElseThrow();
    ModelVersion v2 = registry().version("churn", 2).orElseThrow();
    String silver = lake.location("silver.customers");
    assertThat(v1.dataVersion().describe()).as("an old lineage entry is the whole table").isEqualTo("table at v0");
    assertThat(v2.dataVersion().describe()).isEqualTo("rows written by run r2 at v1");
    assertThat(spark.read().format("delta").option("versionAsOf", 1).load(silver).count()).isEqualTo(800);
    assertThat(registry().pins().read(v2, false, "training input", v2.dataVersion()).count()).isEqualTo(400);

    Reproducer.Reproduced again = new Reproducer(spark).reproduce(v2, lake.env());
    Run night = lake.run(lake.plan("watch", NIGHTLY.replace("churn@champion", "churn@v2"), Map.of()), "night-1");

    v2.metrics().forEach((metric, value) -> assertThat(again.metrics().get(metric)).as(metric).isCloseTo(value, within(1e-6)));
    assertThat(night.succeeded()).as(night.run().error()).isTrue();
    long holdout = spark.read().format("delta").option("versionAsOf", v2.holdoutVersion()).load(v2.holdoutLocation()).count();
    assertThat(lake.sql("SELECT DISTINCT reference_table, reference_version, reference_rows FROM delta.`"
        + lake.location("monitoring.churn_drift") + "`")).extracting(Row::toString)
        .containsExactly("[silver.customers,1," + (400 - holdout) + "]");

    registry().recordEvent(new AliasEvent("churn", AliasAction.ARCHIVE, "", 2, Instant.now(), "", "test"));
    assertThat(new dev.lakemill.ops.Vacuum(spark).run(lakehouse.toString(), 0, false))
        .filteredOn(dev.lakemill.ops.Vacuum.Outcome::pinRemoved).extracting(dev.lakemill.ops.Vacuum.Outcome::location)
        .contains(registry().pins().location(v2.dataVersion()));
    assertThatThrownBy(() -> new Reproducer(spark).reproduce(v2, lake.env()))
        .isInstanceOf(dev.lakemill.error.LakemillException.class)
        .hasMessage("Cannot read the training input 'prepare' of churn@v2, the rows written by run r2 at v1 of " + silver
            + ": only its lineage pin " + registry().pins().location(v2.dataVersion()) + " keeps exactly those rows,"
            + " and churn@v2 is archived, so lakemill vacuum removed it. Nothing was written. Use a model version that"
            + " is not archived (lakemill models list churn), or train a new version");
  }
}
