package dev.lakemill.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakemill.PipelineFixture;
import dev.lakemill.check.Checks;
import dev.lakemill.error.LakemillException;
import dev.lakemill.plan.DriftStepPlan;
import dev.lakemill.plan.MlStagePlan;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.plan.ProblemType;
import dev.lakemill.plan.ScoreStepPlan;
import dev.lakemill.plan.SqlStepPlan;
import dev.lakemill.plan.StepPlan;
import dev.lakemill.plan.TrainStepPlan;
import dev.lakemill.plan.ValidateStepPlan;
import dev.lakemill.settings.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineCompilerTest {
  @TempDir Path dir;

  private PipelinePlan compile(Path file) {
    return PipelineFixture.plan(file, Map.of(), Environment.local(dir.resolve("lake").toString()));
  }

  /**
   * The bound spec is handed out before its SQL is analysed (the CLI starts reading the pipeline's ledger records
   * then), once, and only when binding found no problem; a problem found later still fails the file.
   */
  @Test
  void theBoundSpecIsHandedOutBeforeItsSqlIsCheckedAndOnlyWhenItBound() throws IOException {
    List<String> bound = new java.util.ArrayList<>();
    Path valid = dir.resolve("valid.conf");
    Files.writeString(valid, """
        pipeline { name = early }
        sources { people { format = generate, generator = churn-customers, rows = 10 } }
        steps { ages { type = sql, sql = "SELECT age FROM people", output = silver.ages } }
        """);
    Checks.compiler().validate(valid.toString(), Map.of(), dev.lakemill.load.PipelineFiles.LOCAL,
        spec -> bound.add(spec.info().name()));
    assertThat(bound).containsExactly("early");

    Path badSql = dir.resolve("bad-sql.conf");
    Files.writeString(badSql, Files.readString(valid).replace("SELECT age FROM people", "SELECT age FROM people GROUP BY"));
    assertThatThrownBy(() -> Checks.compiler().validate(badSql.toString(), Map.of(),
        dev.lakemill.load.PipelineFiles.LOCAL, spec -> bound.add("bad-sql " + spec.info().name())))
        .isInstanceOf(LakemillException.class).hasMessageContaining("SQL does not parse");
    assertThat(bound).containsExactly("early", "bad-sql early");

    Path unbound = dir.resolve("unbound.conf");
    Files.writeString(unbound, Files.readString(valid).replace("type = sql", "type = sqll"));
    assertThatThrownBy(() -> Checks.compiler().validate(unbound.toString(), Map.of(),
        dev.lakemill.load.PipelineFiles.LOCAL, spec -> bound.add("unbound")))
        .isInstanceOf(LakemillException.class);
    assertThat(bound).containsExactly("early", "bad-sql early");
  }

  @Test
  void compilesChurnPrepWithResolvedLocations() {
    PipelinePlan plan = compile(PipelinesTest.CHURN_PREP);

    assertThat(plan.steps()).extracting(StepPlan::name).containsExactly("prepare", "by-region");
    assertThat(plan.steps().get(0).inputs()).containsExactly("customers", "plans");
    assertThat(plan.steps().get(1).inputs()).containsExactly("prepare");
    assertThat(plan.source("plans").orElseThrow().location())
        .isEqualTo(Path.of("../pipeline-defs/data/plans.csv").toAbsolutePath().normalize().toString());
    assertThat(plan.steps().get(0).output().location()).isEqualTo(dir.resolve("lake/silver/customers").toString());
    assertThat(plan.steps().get(0).output().quarantine().location())
        .isEqualTo(dir.resolve("lake/silver/customers_quarantine").toString());
    assertThat(((SqlStepPlan) plan.steps().get(0)).expectations()).hasSize(3);
    assertThat(plan.ledgerLocation()).isEqualTo(dir.resolve("lake/_lakemill").toString());
  }

  @Test
  void tablesReadByCheckSubqueriesAndIdentifierLiteralsAreInputs() throws IOException {
    Path file = dir.resolve("reads.conf");
    Files.writeString(file, """
        pipeline { name = reads }
        sources { customers { format = generate, generator = churn-customers, rows = 5 } }
        steps {
          checked {
            type = sql
            sql = "SELECT * FROM IDENTIFIER('customers')"
            expectations { known { check = "customer_id IN (SELECT customer_id FROM `allowed-ids`)" } }
            output = silver.checked
          }
          allowed-ids { type = sql, sql = "SELECT customer_id FROM customers WHERE age >= 18" }
        }
        """);

    PipelinePlan plan = compile(file);

    assertThat(plan.steps()).extracting(StepPlan::name).containsExactly("allowed-ids", "checked");
    assertThat(plan.step("checked").orElseThrow().inputs()).containsExactly("customers", "allowed-ids");
  }

  @Test
  void compilesChurnIntoOneMllibPipelinePerTrainStep() {
    PipelinePlan plan = compile(Path.of("../pipeline-defs/churn.conf"));

    assertThat(plan.steps()).extracting(StepPlan::name).containsExactly("prepare", "features", "train", "validate", "score");
    TrainStepPlan train = (TrainStepPlan) plan.step("train").orElseThrow();
    assertThat(train.inputs()).containsExactly("features", "prepare");
    assertThat(train.data()).isEqualTo("prepare");
    assertThat(train.featureStages()).extracting(MlStagePlan::simpleName)
        .containsExactly("Imputer", "StringIndexer", "OneHotEncoder", "VectorAssembler");
    assertThat(train.estimator().className()).isEqualTo("org.apache.spark.ml.classification.GBTClassifier");
    assertThat(train.problem()).isEqualTo(ProblemType.CLASSIFICATION);
    assertThat(train.featureColumns())
        .containsExactly("tenure_months", "plan", "region", "age", "support_calls", "monthly_fee");
    assertThat(train.tuning().grid()).containsOnlyKeys("maxDepth", "stepSize");
    assertThat(train.definition()).startsWith("{\"features\":{").contains(",\"train\":{");
    ValidateStepPlan validate = (ValidateStepPlan) plan.step("validate").orElseThrow();
    assertThat(validate.metrics()).containsExactly("areaUnderROC", "areaUnderPR", "f1", "accuracy");
    assertThat(validate.modelName()).isEqualTo("churn");
    ScoreStepPlan score = (ScoreStepPlan) plan.step("score").orElseThrow();
    assertThat(score.inputs()).as("scoring waits for the step that promotes churn").containsExactly("prepare", "validate");
    assertThat(score.model()).isEqualTo(new dev.lakemill.spec.ModelRef("churn", "champion", 0));
    assertThat(PlanRenderer.render(plan, PlanRenderer.Format.TEXT)).contains(
        "  2. features  reads [prepare]  (view only)\n",
        "  3. train  reads [features, prepare]  registers model churn\n",
        "  4. validate  reads [train]  promotes churn@champion\n",
        "  5. score  reads [prepare, validate]  writes gold.churn_scores (overwrite)\n");
  }

  @Test
  void compilesChurnNightlyWithADriftStepAgainstTheTrainingRows() {
    PipelinePlan plan = compile(Path.of("../pipeline-defs/churn-nightly.conf"));

    DriftStepPlan drift = (DriftStepPlan) plan.step("drift").orElseThrow();
    assertThat(drift.inputs()).containsExactly("score");
    assertThat(drift.model()).isEqualTo(new dev.lakemill.spec.ModelRef("churn", "champion", 0));
    assertThat(drift.current()).isEqualTo(new DriftStepPlan.Data("score", "gold.churn_scores_daily",
        dir.resolve("lake/gold/churn_scores_daily").toString(), null));
    assertThat(drift.reference()).as("the model's training rows").isNull();
    assertThat(drift.columns()).as("the model's input columns, read from the registry at run time").isEmpty();
    assertThat(drift.datasetDriftShare()).isEqualTo(0.5);
    assertThat(drift.options()).isEqualTo(dev.lakemill.drift.DriftOptions.defaults());
    assertThat(drift.output().location()).isEqualTo(dir.resolve("lake/monitoring/churn_drift").toString());
    assertThat(drift.report()).isEqualTo(Path.of("reports/churn-drift-2026-11-26.html").toAbsolutePath().toString());
    assertThat(drift.runDate()).isEqualTo("2026-11-26");
    assertThat(drift.onDrift().consecutiveRuns()).isEqualTo(2);
    assertThat(drift.onDrift().triggerPipeline()).isEqualTo("churn");
    assertThat(drift.onDrift().failRun()).isFalse();
    assertThat(PlanRenderer.render(plan, PlanRenderer.Format.TEXT)).contains("  3. drift  reads [score]  checks drift of"
        + " churn@champion: score vs its training rows, writes monitoring.churn_drift (history); on drift 2 runs in a"
        + " row triggers churn\n");
    assertThat(PlanRenderer.render(plan, PlanRenderer.Format.MERMAID)).contains("  score --> drift\n");
  }

  @Test
  void driftStepsWaitForTheStepThatPromotesTheirModelAndReadPinnedTables() throws IOException {
    Path file = dir.resolve("monitor.conf");
    Files.writeString(file, """
        pipeline { name = monitor }
        params { day = "2026-11-26" }
        sources { customers { format = generate, generator = churn-customers, rows = 100 } }
        steps {
          prepare { type = sql, sql = "SELECT * FROM customers", output = silver.customers }
          features { type = features, input = prepare, stages = [{ type = VectorAssembler, params { inputCols = [age], outputCol = features } }] }
          train { type = train, input = features, label = churned, split { test-fraction = 0.2 }, estimator { type = LogisticRegression }, register-as = churn }
          promote { type = validate, model = train, gates = [{ metric = areaUnderROC, at-least = 0.5 }], promote-to = champion }
          drift {
            type = drift
            model = "churn@champion"
            current = prepare
            reference = "silver.customers@v3"
            columns = [age, plan]
            methods { plan = chisquare }
            thresholds { psi = 0.2, plan = 0.01 }
            exact-max-rows = 5000
            output = monitoring.drift
            report = "s3a://bucket/reports/${params.day}.html"
            on-drift { fail-run = true }
          }
        }
        """);

    PipelinePlan plan = compile(file);

    assertThat(plan.steps()).extracting(StepPlan::name).containsExactly("prepare", "features", "train", "promote", "drift");
    DriftStepPlan drift = (DriftStepPlan) plan.step("drift").orElseThrow();
    assertThat(drift.inputs()).containsExactly("prepare", "promote");
    assertThat(drift.reference()).isEqualTo(new DriftStepPlan.Data(null, "silver.customers",
        dir.resolve("lake/silver/customers").toString(), 3L));
    assertThat(drift.columns()).containsExactly("age", "plan");
    assertThat(drift.options().methodFor("plan")).contains(dev.lakemill.drift.DriftMethod.CHISQUARE);
    assertThat(drift.options().thresholdFor("plan", dev.lakemill.drift.DriftMethod.CHISQUARE)).isEqualTo(0.01);
    assertThat(drift.options().thresholdFor("age", dev.lakemill.drift.DriftMethod.PSI)).isEqualTo(0.2);
    assertThat(drift.options().exactMaxRows()).isEqualTo(5000);
    assertThat(drift.report()).isEqualTo("s3a://bucket/reports/2026-11-26.html");
    assertThat(drift.runDate()).as("no params.run-date: the runner takes the day it runs").isNull();
    assertThat(drift.effect()).isEqualTo("checks drift of churn@champion: prepare vs silver.customers@v3, writes"
        + " monitoring.drift (history); on drift fails the run");
  }

  @Test
  void compilesADriftStepWithoutAModel() throws IOException {
    Path file = dir.resolve("raw-feed.conf");
    Files.writeString(file, """
        pipeline { name = raw-feed }
        sources { orders { format = delta, table = raw.orders } }
        steps {
          today { type = sql, sql = "SELECT * FROM orders" }
          drift { type = drift, current = today, reference = "raw.orders_baseline@v3", output = monitoring.orders_drift }
        }
        """);

    DriftStepPlan drift = (DriftStepPlan) compile(file).step("drift").orElseThrow();

    assertThat(drift.model()).isNull();
    assertThat(drift.inputs()).as("no model, so no step to wait for").containsExactly("today");
    assertThat(drift.reference()).isEqualTo(new DriftStepPlan.Data(null, "raw.orders_baseline",
        dir.resolve("lake/raw/orders_baseline").toString(), 3L));
    assertThat(drift.columns()).as("the columns both sides share, found at run time").isEmpty();
    assertThat(drift.effect()).isEqualTo("checks data drift: today vs raw.orders_baseline@v3, writes"
        + " monitoring.orders_drift (history)");
  }

  @Test
  void ordersStepsByDependencyThenDeclaration() throws IOException {
    Path file = dir.resolve("order.conf");
    Files.writeString(file, """
        pipeline { name = order }
        sources { s { format = parquet, path = s.parquet } }
        steps {
          report { type = sql, sql = "SELECT * FROM clean JOIN `by-day` USING (id)" }
          by-day { type = sql, sql = "SELECT id FROM clean", output = gold.by_day }
          clean { type = sql, sql = "SELECT * FROM s", inputs = [s] }
          other { type = sql, sql = "SELECT * FROM s" }
        }
        """);

    PipelinePlan plan = compile(file);

    assertThat(plan.steps()).extracting(StepPlan::name).containsExactly("clean", "by-day", "report", "other");
    assertThat(plan.step("report").orElseThrow().inputs()).containsExactly("clean", "by-day");
  }

  @Test
  void fromFollowsDownstreamThroughStepsAlsoNamedInSteps() throws IOException {
    Path file = dir.resolve("chain.conf");
    Files.writeString(file, """
        pipeline { name = chain }
        sources { s { format = parquet, path = s.parquet } }
        steps {
          a { type = sql, sql = "SELECT * FROM s", output = x.a }
          b { type = sql, sql = "SELECT * FROM a", output = x.b }
          c { type = sql, sql = "SELECT * FROM b", output = x.c }
        }
        """);

    assertThat(StepSelection.select(compile(file), List.of("b"), "a")).containsExactly("a", "b", "c");
  }

  @Test
  void rendersPlansInEveryFormat() {
    PipelinePlan plan = compile(PipelinesTest.CHURN_PREP);

    assertThat(PlanRenderer.render(plan, PlanRenderer.Format.TEXT)).contains(
        "  1. prepare  reads [customers, plans]  writes silver.customers (overwrite)\n",
        "  2. by-region  reads [prepare]  writes gold.churn_by_region (overwrite)\n");
    assertThat(PlanRenderer.render(plan, PlanRenderer.Format.MERMAID)).contains(
        "flowchart LR\n", "  customers --> prepare\n", "  prepare --> by_region\n");
    assertThat(PlanRenderer.render(plan, PlanRenderer.Format.DOT)).contains(
        "\"prepare\" -> \"by-region\";", "\"by-region\" [shape=box, label=\"by-region\\ngold.churn_by_region\"];");
    assertThat(PlanRenderer.render(plan, PlanRenderer.Format.JSON))
        .startsWith("{\"pipeline\":\"churn-prep\",")
        .contains("{\"name\":\"by-region\",\"inputs\":[\"prepare\"],\"output\":{\"table\":\"gold.churn_by_region\"");
  }

  @Test
  void selectsStepsAndDownstreamAndRejectsUnknownNames() {
    PipelinePlan plan = compile(PipelinesTest.CHURN_PREP);

    assertThat(StepSelection.select(plan, List.of(), null)).containsExactly("prepare", "by-region");
    assertThat(StepSelection.select(plan, List.of("by-region"), null)).containsExactly("by-region");
    assertThat(StepSelection.select(plan, List.of(), "prepare")).containsExactly("prepare", "by-region");
    assertThat(StepSelection.select(plan, List.of("by-region"), "prepare")).containsExactly("prepare", "by-region");
    assertThatThrownBy(() -> StepSelection.select(plan, List.of("by-regoin"), null))
        .isInstanceOf(LakemillException.class)
        .hasMessage("Unknown step 'by-regoin' in --steps; did you mean 'by-region'?");
  }
  @Test
  void aDeltaSourceOnATableAStepWritesRunsAfterThatStepAndPlanSaysWhatEachStepReads() throws IOException {
    Path file = dir.resolve("nightly.conf");
    // Declared before the step that writes its table: the inferred dependency puts it after.
    Files.writeString(file, """
        pipeline { name = nightly }
        sources {
          customers { format = generate, generator = churn-customers, rows = 10, seed = 1 }
          all_days  { format = delta, table = silver.daily }
          pinned    { format = delta, table = silver.daily, version-as-of = 0 }
        }
        steps {
          so-far  { type = sql, sql = "SELECT day, count(*) AS n FROM all_days GROUP BY day", output = gold.days }
          first   { type = sql, sql = "SELECT count(*) AS n FROM pinned", output = gold.first }
          daily {
            type = sql
            sql = "SELECT customer_id, DATE '2026-11-26' AS day FROM customers"
            output { table = silver.daily, mode = replace-partitions, partition-by = [day] }
          }
          log     { type = sql, sql = "SELECT * FROM daily", output { table = silver.log, mode = append } }
          latest  { type = sql, sql = "SELECT * FROM log", output { table = silver.latest, mode = merge, merge-keys = [customer_id] } }
          tonight { type = sql, sql = "SELECT count(*) AS n FROM latest", output = gold.tonight }
        }
        """);

    PipelinePlan plan = compile(file);

    assertThat(plan.steps()).extracting(StepPlan::name).containsExactly("first", "daily", "so-far", "log", "latest", "tonight");
    assertThat(plan.step("so-far").orElseThrow().inputs()).containsExactly("all_days");
    assertThat(plan.upstreams(plan.step("so-far").orElseThrow())).containsExactly("daily");
    assertThat(plan.upstreams(plan.step("first").orElseThrow())).as("a pinned version waits for nobody").isEmpty();
    assertThat(StepSelection.select(plan, List.of(), "daily")).containsExactly("daily", "so-far", "log", "latest", "tonight");
    assertThat(PlanRenderer.render(plan, PlanRenderer.Format.TEXT)).contains("""
          1. first  reads [pinned]  writes gold.first (overwrite)
          2. daily  reads [customers]  writes silver.daily (replace-partitions)
          3. so-far  reads [all_days]  writes gold.days (overwrite)
               reads source all_days (silver.daily, written by step daily: table at its version)
          4. log  reads [daily]  writes silver.log (append)
               reads step daily (silver.daily: the partitions it replaced in this run)
          5. latest  reads [log]  writes silver.latest (merge)
               reads step log (silver.log: the rows it appended in this run)
          6. tonight  reads [latest]  writes gold.tonight (overwrite)
               reads step latest (silver.latest: the rows it inserted or updated in this run)
        """);
  }
}
