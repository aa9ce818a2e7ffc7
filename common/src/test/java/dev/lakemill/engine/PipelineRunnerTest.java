package dev.lakemill.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakemill.PipelineFixture.Run;
import dev.lakemill.SparkTestBase;
import dev.lakemill.check.Checks;
import dev.lakemill.compile.StepSelection;
import dev.lakemill.delta.CommitTag;
import dev.lakemill.delta.DeltaIO;
import dev.lakemill.delta.InputVersion;
import dev.lakemill.ledger.ExpectationCount;
import dev.lakemill.ledger.StepRecord;
import dev.lakemill.ledger.StepStatus;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.sources.ChurnCustomersGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class PipelineRunnerTest extends SparkTestBase {
  private static final Path CHURN_PREP = Path.of("../pipeline-defs/churn-prep.conf");

  @Test
  void runsChurnPrepEndToEnd() {
    PipelinePlan plan = lake.plan(CHURN_PREP, Map.of("rows", "3000"));

    Run result = lake.run(plan, "run-1");

    Row expected = ChurnCustomersGenerator.generate(spark, 3000, 7, 0.0)
        .selectExpr("sum(CASE WHEN age < 18 THEN 1 ELSE 0 END)", "sum(CASE WHEN tenure_months IS NULL THEN 1 ELSE 0 END)")
        .head();
    long minors = expected.getLong(0);
    long nullTenure = expected.getLong(1);
    assertThat(minors).isPositive();
    assertThat(result.succeeded()).isTrue();
    StepRecord prepare = result.steps().get(0);
    assertThat(prepare.rowsIn()).isEqualTo(3000);
    assertThat(prepare.rowsQuarantined()).isEqualTo(minors);
    assertThat(prepare.rowsOut()).isEqualTo(3000 - minors);
    assertThat(prepare.expectations()).containsExactly(new ExpectationCount("adult", "drop", minors),
        new ExpectationCount("has-tenure", "warn", nullTenure), new ExpectationCount("unique-id", "fail", 0));
    assertThat(prepare.inputs()).extracting(InputVersion::name).containsExactly("customers", "plans");
    assertThat(result.warnings()).containsExactly("step prepare: expectation 'has-tenure' (check tenure_months IS NOT NULL)"
        + " violated by " + nullTenure + " of 3,000 rows (on-violation = warn: kept)");

    assertThat(count("silver.customers")).isEqualTo(3000 - minors);
    assertThat(sql("SELECT count(*) FROM delta.`%s` WHERE age < 18", lake.location("silver.customers")).get(0).getLong(0)).isZero();
    List<Row> quarantine = sql("SELECT _lakemill_run_id, _lakemill_expectations, count(*) FROM delta.`%s`"
        + " GROUP BY 1, 2", lake.location("silver.customers_quarantine"));
    assertThat(quarantine).hasSize(1);
    assertThat(quarantine.get(0).getString(0)).isEqualTo("run-1");
    assertThat(quarantine.get(0).getList(1)).containsExactly("adult");
    assertThat(quarantine.get(0).getLong(2)).isEqualTo(minors);

    StepRecord byRegion = result.steps().get(1);
    assertThat(byRegion.inputs()).containsExactly(new InputVersion("prepare", lake.location("silver.customers"), 0));
    assertThat(sql("SELECT count(*), sum(customers) FROM delta.`%s`", lake.location("gold.churn_by_region")).get(0))
        .satisfies(r -> {
          assertThat(r.getLong(0)).isEqualTo(5);
          assertThat(r.getLong(1)).isEqualTo(3000 - minors);
        });

    String ledger = plan.ledgerLocation();
    assertThat(sql("SELECT run_id, pipeline, status, params['rows'] FROM delta.`%s/runs`", ledger))
        .extracting(Row::toString).containsExactly("[run-1,churn-prep,succeeded,3000]");
    assertThat(sql("SELECT step, status, output_table, output_version, rows_out, size(expectations), length(fingerprint)"
        + " FROM delta.`%s/steps` ORDER BY position", ledger))
        .extracting(Row::toString)
        .containsExactly("[prepare,succeeded,silver.customers,0," + (3000 - minors) + ",3,64]",
            "[by-region,succeeded,gold.churn_by_region,0,5,0,64]");
  }

  @Test
  void aFailingExpectationWritesNothingAndLeavesTheTableAsItWas() throws IOException {
    Path file = lake.write("dups", """
        pipeline { name = dups }
        params { dups = 0 }
        sources { customers { format = generate, generator = churn-customers, rows = 500, seed = 1 } }
        steps {
          clean {
            type = sql
            sql = "SELECT * FROM customers UNION ALL SELECT * FROM customers WHERE customer_id <= ${params.dups}"
            expectations {
              adult { check = "age >= 18", on-violation = drop }
              unique-id { unique = [customer_id], on-violation = fail }
            }
            output = silver.clean
          }
          after { type = sql, sql = "SELECT count(*) AS n FROM clean", output = gold.after }
        }
        """);
    assertThat(lake.run(lake.plan(file, Map.of()), "good").succeeded()).isTrue();
    long before = count("silver.clean");
    long quarantinedBefore = count("silver.clean_quarantine");

    Run bad = lake.run(lake.plan(file, Map.of("dups", "10")), "bad");

    assertThat(bad.succeeded()).isFalse();
    assertThat(bad.steps()).extracting(StepRecord::status).containsExactly(StepStatus.FAILED, StepStatus.NOT_RUN);
    assertThat(bad.run().error()).isEqualTo("Step 'clean' failed: expectation 'unique-id' (unique [customer_id])"
        + " failed on 20 of 510 rows. Nothing was written. Fix the data or the SQL, or relax on-violation to drop or warn");
    assertThat(DeltaIO.latestVersion(spark, lake.location("silver.clean"))).isZero();
    assertThat(count("silver.clean")).isEqualTo(before);
    assertThat(count("silver.clean_quarantine")).isEqualTo(quarantinedBefore);
    assertThat(sql("SELECT run_id, status FROM delta.`%s/runs` ORDER BY started_at", lakehouse.resolve("_lakemill")))
        .extracting(Row::toString).containsExactly("[good,succeeded]", "[bad,failed]");
  }

  @Test
  void sparkErrorsNameTheStepAndTheirCondition() throws IOException {
    Path file = lake.write("typo", """
        pipeline { name = typo }
        sources { customers { format = generate, generator = churn-customers, rows = 10 } }
        steps { s { type = sql, sql = "SELECT custmer_id FROM customers", output = silver.s } }
        """);

    Run result = lake.run(lake.plan(file, Map.of()), "r");

    assertThat(result.succeeded()).isFalse();
    assertThat(result.run().error())
        .startsWith("Step 's' failed: " + file + ": 3: [UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or"
            + " function parameter with name `custmer_id` cannot be resolved. Did you mean one of the following?")
        .doesNotContain("\n");
    assertThat(DeltaIO.exists(spark, lake.location("silver.s"))).isFalse();
  }

  @Test
  void hostileParamValuesAreBoundAsValuesNeverReadAsSql() throws IOException {
    Path file = lake.write("hostile", """
        pipeline { name = hostile }
        params { id = "1", region = north, label = plain, min-age = 18 }
        sources { customers { format = generate, generator = churn-customers, rows = 50, seed = 1 } }
        steps {
          labelled {
            type = sql
            sql = "SELECT customer_id, ${params.label} AS label, 'x-${params.label}' AS tagged FROM customers WHERE age >= ${params.min-age}"
            expectations { same { check = "label = ${params.label} AND tagged = concat('x-', ${params.label})" } }
            output = silver.labelled
          }
          in-region {
            type = sql
            sql = "SELECT customer_id FROM customers WHERE region = '${params.region}' -- ${system:lakemill.test.tail}"
            output = silver.in_region
          }
          by-id { type = sql, sql = "SELECT customer_id FROM customers WHERE customer_id = ${params.id}", output = silver.by_id }
        }
        """);
    // Were Spark's variable substitution on (the default), the comment would end at this line break.
    System.setProperty("lakemill.test.tail", "\nOR true");
    Run orTrue;
    Run union;
    try {
      orTrue = lake.run(lake.plan(file, Map.of("label", "${env:HOME}", "region", "north' OR '1'='1", "id", "0 OR 1=1")), "or");
      union = lake.run(lake.plan(file, Map.of("label", "${env:HOME}", "region", "x' OR 1=1 --",
          "id", "0 UNION ALL SELECT customer_id FROM customers")), "union");
    } finally {
      System.clearProperty("lakemill.test.tail");
    }

    long adults = ChurnCustomersGenerator.generate(spark, 50, 1, 0.0).where("age >= 18").count();
    assertThat(sql("SELECT DISTINCT label, tagged FROM delta.`%s`", lake.location("silver.labelled")))
        .extracting(Row::toString).containsExactly("[${env:HOME},x-${env:HOME}]");
    assertThat(count("silver.labelled")).isEqualTo(adults);
    assertThat(sql("SELECT count(*) FROM delta.`%s` VERSION AS OF 0", lake.location("silver.in_region")).get(0).getLong(0))
        .as("the quote-breaking region is a value no row has, and ${system:...} in the comment stays text").isZero();
    assertThat(count("silver.in_region")).isZero();
    // The second run's write changed nothing (no rows over no rows), yet it left its tagged commit.
    assertThat(DeltaIO.latestVersion(spark, lake.location("silver.in_region"))).isEqualTo(1);
    assertThat(orTrue.steps()).extracting(StepRecord::status)
        .containsExactly(StepStatus.SUCCEEDED, StepStatus.SUCCEEDED, StepStatus.FAILED);
    assertThat(orTrue.run().error()).startsWith("Step 'by-id' failed: ")
        .contains("[CAST_INVALID_INPUT] The value '0 OR 1=1' of the type \"STRING\" cannot be cast to \"BIGINT\"");
    assertThat(union.run().error()).startsWith("Step 'by-id' failed: ").contains("[CAST_INVALID_INPUT] The value"
        + " '0 UNION ALL SELECT customer_id FROM customers' of the type \"STRING\" cannot be cast to \"BIGINT\"");
    assertThat(DeltaIO.exists(spark, lake.location("silver.by_id"))).isFalse();
  }

  @Test
  void writeModesAndWhatAReaderOfEachGetsInTheRunAndWhenItIsUpToDate() throws IOException {
    Path file = lake.write("modes", """
        pipeline { name = modes }
        params { day = "2026-11-01", bonus = 0, upto = 90 }
        sources { customers { format = generate, generator = churn-customers, rows = 100, seed = 3 } }
        steps {
          daily {
            type = sql
            sql = "SELECT customer_id, age + ${params.bonus} AS age, DATE '${params.day}' AS day FROM customers"
            output { table = silver.daily, mode = replace-partitions, partition-by = [day] }
          }
          log { type = sql, sql = "SELECT customer_id FROM customers WHERE customer_id <= 10", output { table = silver.log, mode = append } }
          latest {
            type = sql
            sql = \"""
              SELECT customer_id, age + IF(customer_id <= 10, ${params.bonus}, 0) AS age
              FROM customers WHERE customer_id <= ${params.upto}
            \"""
            output { table = silver.latest, mode = merge, merge-keys = [customer_id] }
          }
          daily-seen  { type = sql, sql = "SELECT count(*) AS n, sum(age) AS s, min(day) AS d FROM daily", output = gold.daily_seen }
          log-seen    { type = sql, sql = "SELECT count(*) AS n FROM log", output = gold.log_seen }
          latest-seen { type = sql, sql = "SELECT count(*) AS n, sum(age) AS s FROM latest", output = gold.latest_seen }
        }
        """);
    long ages = ChurnCustomersGenerator.generate(spark, 100, 3, 0.0).selectExpr("sum(age)").head().getLong(0);
    long ages90 = ChurnCustomersGenerator.generate(spark, 100, 3, 0.0).where("customer_id <= 90").selectExpr("sum(age)")
        .head().getLong(0);
    long changed = ChurnCustomersGenerator.generate(spark, 100, 3, 0.0)
        .selectExpr("sum(CASE WHEN customer_id <= 10 THEN age + 1 WHEN customer_id > 90 THEN age END)").head().getLong(0);

    // Forced: the log step's input does not change, so the step cache would (rightly) skip its appends.
    lake.run(lake.plan(file, Map.of()), "a", RunOptions.FORCE);
    assertThat(seen()).containsExactly("daily 100 " + ages + " 2026-11-01", "log 10", "latest 90 " + ages90);
    lake.run(lake.plan(file, Map.of("day", "2026-11-02")), "b", RunOptions.FORCE);
    // Only the partition this run replaced, only the appended rows; the merge changed no row.
    assertThat(seen()).containsExactly("daily 100 " + ages + " 2026-11-02", "log 10", "latest 0 null");
    PipelinePlan third = lake.plan(file, Map.of("day", "2026-11-01", "bonus", "1", "upto", "100"));
    Run retry = lake.run(third, "c", RunOptions.FORCE);
    // The merge: 10 rows updated (bonus) and 10 inserted (91-100); the 80 rows it rewrote unchanged are not read.
    assertThat(seen()).containsExactly("daily 100 " + (ages + 100) + " 2026-11-01", "log 10", "latest 20 " + changed);

    assertThat(retry.succeeded()).isTrue();
    assertThat(sql("SELECT day, count(*), sum(age) FROM delta.`%s` GROUP BY day ORDER BY day", lake.location("silver.daily")))
        .extracting(r -> r.get(0).toString() + "=" + r.getLong(1))
        .containsExactly("2026-11-01=100", "2026-11-02=100");
    assertThat(count("silver.log")).isEqualTo(30);
    assertThat(count("silver.latest")).isEqualTo(100);
    long plusTen = sql("SELECT sum(age) FROM delta.`%s`", lake.location("silver.latest")).get(0).getLong(0);
    assertThat(plusTen).isEqualTo(ages + 10);
    assertThat(retry.steps()).extracting(StepRecord::outputVersion).containsExactly(2L, 2L, 2L, 2L, 2L, 2L);
    assertThat(retry.steps().get(3).inputs())
        .containsExactly(new InputVersion("daily", lake.location("silver.daily"), 2, "c"));

    // Up to date: the writers are skipped, their readers get the rows of the commits they are up to date with.
    Run again = lake.run(third, "d", new RunOptions(false, java.util.Set.of("daily-seen", "log-seen", "latest-seen")));
    assertThat(again.steps()).extracting(s -> s.step() + " " + s.status().text()).containsExactly("daily skipped",
        "log skipped", "latest skipped", "daily-seen succeeded", "log-seen succeeded", "latest-seen succeeded");
    assertThat(seen()).containsExactly("daily 100 " + (ages + 100) + " 2026-11-01", "log 10", "latest 20 " + changed);
    assertThat(again.steps().subList(3, 6)).extracting(s -> s.inputs().get(0).describe())
        .containsExactly("rows written by run c at v2", "rows written by run c at v2", "rows written by run c at v2");
    assertThat(sql("SELECT i.written_by FROM delta.`%s/steps` LATERAL VIEW explode(inputs) AS i"
        + " WHERE run_id = 'd' AND step = 'log-seen'", third.ledgerLocation())).extracting(r -> r.getString(0))
        .containsExactly("c");
    // A step outside the run reads its upstream as the ledger recorded it: run d reused the rows run c wrote.
    Run alone = lake.run(third, "e", RunOptions.FORCE, "log-seen");
    assertThat(alone.steps()).singleElement().satisfies(s -> assertThat(s.inputs().get(0).describe())
        .isEqualTo("rows written by run c at v2"));
    assertThat(seen()).contains("log 10");
  }

  /** What the readers of {@code writeModes...} saw in the latest run. */
  private List<String> seen() {
    return List.of("daily " + sql("SELECT concat_ws(' ', CAST(n AS STRING), coalesce(CAST(s AS STRING), 'null'), CAST(d AS STRING)) FROM delta.`%s`",
            lake.location("gold.daily_seen")).get(0).getString(0),
        "log " + sql("SELECT n FROM delta.`%s`", lake.location("gold.log_seen")).get(0).getLong(0),
        "latest " + sql("SELECT concat_ws(' ', CAST(n AS STRING), coalesce(CAST(s AS STRING), 'null')) FROM delta.`%s`",
            lake.location("gold.latest_seen")).get(0).getString(0));
  }

  @Test
  void stepByStepSubmitsOfTwoRunsReadOnlyTheirOwnRunsVersions() {
    // Airflow runs each step as its own submit: two runs' steps interleave, each reads what its run wrote;
    // a run id with no records of the upstream step reads its latest version.
    PipelinePlan small = lake.plan(CHURN_PREP, Map.of("rows", "1000"));
    PipelinePlan big = lake.plan(CHURN_PREP, Map.of("rows", "2000"));
    lake.run(small, "airflow-a", "prepare");
    lake.run(big, "airflow-b", "prepare");
    Run a = lake.run(small, "airflow-a", "by-region");
    Run b = lake.run(big, "airflow-b", "by-region");
    Run fresh = lake.run(small, "airflow-c", "by-region");

    assertThat(a.steps()).singleElement().satisfies(s -> assertThat(s.inputs())
        .containsExactly(new InputVersion("prepare", lake.location("silver.customers"), 0)));
    assertThat(b.steps()).singleElement().satisfies(s -> assertThat(s.inputs())
        .containsExactly(new InputVersion("prepare", lake.location("silver.customers"), 1)));
    assertThat(fresh.steps()).singleElement().satisfies(s -> assertThat(s.inputs())
        .containsExactly(new InputVersion("prepare", lake.location("silver.customers"), 1)));
    long aCustomers = sql("SELECT sum(customers) FROM delta.`%s` VERSION AS OF %d", lake.location("gold.churn_by_region"),
        a.steps().get(0).outputVersion()).get(0).getLong(0);
    long bCustomers = sql("SELECT sum(customers) FROM delta.`%s` VERSION AS OF %d", lake.location("gold.churn_by_region"),
        b.steps().get(0).outputVersion()).get(0).getLong(0);
    assertThat(aCustomers).isEqualTo(sql("SELECT count(*) FROM delta.`%s` VERSION AS OF 0", lake.location("silver.customers"))
        .get(0).getLong(0)).isLessThan(1000);
    assertThat(bCustomers).isEqualTo(sql("SELECT count(*) FROM delta.`%s` VERSION AS OF 1", lake.location("silver.customers"))
        .get(0).getLong(0)).isGreaterThan(1000);
  }

  @Test
  void deltaSourcesTimeTravelAndRecordTheVersionRead() throws IOException {
    spark.range(5).write().format("delta").save(lake.location("bronze.events"));
    spark.range(7).write().format("delta").mode("append").save(lake.location("bronze.events"));
    Path file = lake.write("travel", """
        pipeline { name = travel }
        sources {
          pinned { format = delta, table = bronze.events, version-as-of = 0 }
          latest { format = delta, table = bronze.events }
        }
        steps {
          counts {
            type = sql
            sql = "SELECT (SELECT count(*) FROM pinned) AS pinned, (SELECT count(*) FROM latest) AS latest"
            output = gold.counts
          }
        }
        """);

    Run result = lake.run(lake.plan(file, Map.of()), "t");

    assertThat(result.succeeded()).isTrue();
    assertThat(result.steps().get(0).inputs()).containsExactly(
        new InputVersion("pinned", lake.location("bronze.events"), 0), new InputVersion("latest", lake.location("bronze.events"), 1));
    assertThat(sql("SELECT pinned, latest FROM delta.`%s`", lake.location("gold.counts")).get(0).toString()).isEqualTo("[5,12]");
  }

  @Test
  void aDeltaSourceOnATableAStepWritesIsReadAtTheVersionThatStepWroteInTheRun() throws IOException {
    Path file = lake.write("nightly", """
        pipeline { name = nightly }
        params { day = "2026-11-01" }
        sources {
          all_days  { format = delta, table = silver.daily }
          customers { format = generate, generator = churn-customers, rows = 20, seed = 1 }
        }
        steps {
          so-far { type = sql, sql = "SELECT count(DISTINCT day) AS days, count(*) AS n FROM all_days", output = gold.so_far }
          daily {
            type = sql
            sql = "SELECT customer_id, DATE '${params.day}' AS day FROM customers"
            output { table = silver.daily, mode = replace-partitions, partition-by = [day] }
          }
        }
        """);

    // Night 1: the table does not exist before the run; the source is read once daily wrote it.
    Run first = lake.run(lake.plan(file, Map.of()), "n1");
    Run second = lake.run(lake.plan(file, Map.of("day", "2026-11-02")), "n2");
    Run again = lake.run(lake.plan(file, Map.of("day", "2026-11-02")), "n3", new RunOptions(false, java.util.Set.of("so-far")));

    assertThat(first.succeeded()).as(first.run().error()).isTrue();
    assertThat(first.steps()).extracting(StepRecord::step).containsExactly("daily", "so-far");
    assertThat(second.steps().get(1).inputs())
        .containsExactly(new InputVersion("all_days", lake.location("silver.daily"), 1));
    assertThat(sql("SELECT days, n FROM delta.`%s` VERSION AS OF 1", lake.location("gold.so_far")).get(0).toString())
        .isEqualTo("[2,40]");
    // daily up to date (v1 of run n2): the source is read at that version, the whole table.
    assertThat(again.steps()).extracting(s -> s.step() + " " + s.status().text())
        .containsExactly("daily skipped", "so-far succeeded");
    assertThat(again.steps().get(1).inputs()).singleElement().satisfies(i -> assertThat(i.describe()).isEqualTo("table at v1"));
    assertThat(sql("SELECT days, n FROM delta.`%s`", lake.location("gold.so_far")).get(0).toString()).isEqualTo("[2,40]");
  }

  @Test
  void missingOrTooOldDeltaSourcesFailWithTheSourceName() throws IOException {
    spark.range(3).write().format("delta").save(lake.location("bronze.events"));
    Path file = lake.write("missing", """
        pipeline { name = missing }
        sources {
          gone { format = delta, table = bronze.gone }
          early { format = delta, table = bronze.events, timestamp-as-of = "2001-01-01 00:00:00" }
        }
        steps {
          a { type = sql, sql = "SELECT * FROM gone", output = silver.a }
          b { type = sql, sql = "SELECT * FROM early", output = silver.b }
        }
        """);

    Run first = lake.run(lake.plan(file, Map.of()), "m", "a");
    Run second = lake.run(lake.plan(file, Map.of()), "m", "b");

    assertThat(first.run().error()).isEqualTo("Step 'a' failed: Source 'gone': no Delta table at " + lake.location("bronze.gone")
        + "; write it first or fix the table name or path");
    assertThat(second.run().error()).isEqualTo("Step 'b' failed: Source 'early': " + lake.location("bronze.events")
        + " has no version committed at or before 2001-01-01 00:00:00; use a later timestamp-as-of or a version-as-of");
  }

  @Test
  void labelsEachStepsSparkJobsAndTagsItsCommits() throws Exception {
    List<String> groups = java.util.Collections.synchronizedList(new ArrayList<>());
    org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart job) {
        groups.add(String.valueOf(job.properties().getProperty("spark.jobGroup.id")));
      }
    };
    spark.sparkContext().addSparkListener(listener);
    try {
      lake.run(lake.plan(CHURN_PREP, Map.of("rows", "200")), "tagged");
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }

    assertThat(groups).contains("lakemill:churn-prep:prepare", "lakemill:churn-prep:by-region");
    List<Row> history = io.delta.tables.DeltaTable.forPath(spark, lake.location("silver.customers")).history()
        .select("version", "userMetadata").collectAsList();
    assertThat(history).extracting(r -> r.getLong(0)).containsExactly(0L);
    Row prepare = sql("SELECT fingerprint, inputs FROM delta.`%s/steps` WHERE step = 'prepare'",
        lakehouse.resolve("_lakemill")).get(0);
    List<InputVersion> inputs = prepare.<Row>getList(1).stream()
        .map(i -> new InputVersion(i.getString(0), i.getString(1), i.getLong(2))).toList();
    String tag = history.get(0).getString(1);
    assertThat(tag).startsWith("lakemill pipeline=churn-prep run=tagged step=prepare fingerprint=" + prepare.getString(0)
        + " inputs=[{\"name\":\"customers\",\"location\":\"\",\"version\":-1},{\"name\":\"plans\",\"location\":\"");
    assertThat(tag).isEqualTo(new CommitTag("churn-prep", "tagged", "prepare", prepare.getString(0), inputs).text());
    assertThat(CommitTag.parse(tag)).contains(new CommitTag("churn-prep", "tagged", "prepare", prepare.getString(0),
        inputs));
  }

  /**
   * The write of step copy pauses at a fault point until the first heartbeat that counts Spark tasks
   * arrives (the test's listener then lets it go on), so the step is long enough without a timed wait.
   * Should no such heartbeat come, the pause ends after 3,000 heartbeats (5 minutes) and the test fails
   * listing them, instead of hanging.
   */
  @Test
  void aRunningStepReportsWhatItReadsThenHeartbeatsWithSparkTaskCounts() {
    PipelinePlan plan = lake.plan("slow", """
        pipeline { name = slow }
        sources { customers { format = generate, generator = churn-customers, rows = 500 } }
        steps { copy { type = sql, sql = "SELECT * FROM customers", output = silver.copy } }
        """, Map.of());
    List<String> started = java.util.Collections.synchronizedList(new ArrayList<>());
    List<String> beats = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicBoolean go = new java.util.concurrent.atomic.AtomicBoolean();
    RunListener listener = new RunListener() {
      @Override
      public void stepStarted(dev.lakemill.plan.StepPlan step, List<InputVersion> reads, int position, int total) {
        started.add("[" + position + "/" + total + "] " + step.name() + " reads " + reads);
      }

      @Override
      public void heartbeat(String step, long elapsedMillis, SparkProgress progress) {
        beats.add(step + " " + progress);
        if (progress.tasksTotal() > 0 || beats.size() >= 3000) {
          go.set(true);
        }
      }

      @Override
      public void stepFinished(StepRecord step, int position, int total) {}

      @Override
      public void warning(String message) {}
    };
    java.io.InputStream stdin = System.in;
    System.setIn(new java.io.InputStream() {
      private boolean consumed;

      @Override
      public int available() {
        return go.get() && !consumed ? 1 : 0;
      }

      @Override
      public int read() {
        consumed = true;
        return '\n';
      }
    });
    System.setProperty(StepProgress.PERIOD_PROPERTY, "100ms");
    System.setProperty(dev.lakemill.faults.FaultPoints.PROPERTY, "write:silver.copy");
    Run run;
    try {
      run = lake.run(new PipelineRunner(spark), plan, "slow-1", RunOptions.DEFAULT, listener);
    } finally {
      System.setIn(stdin);
      System.clearProperty(StepProgress.PERIOD_PROPERTY);
      System.clearProperty(dev.lakemill.faults.FaultPoints.PROPERTY);
    }

    assertThat(run.succeeded()).as(run.run().error()).isTrue();
    assertThat(started).containsExactly("[1/1] copy reads [InputVersion[name=customers, location=, version=-1, writtenBy=]]");
    assertThat(beats).as(beats.size() + " heartbeats, the last: " + beats.subList(Math.max(0, beats.size() - 3),
        beats.size())).isNotEmpty().allMatch(b -> b.startsWith("copy SparkProgress[stagesDone="))
        .anyMatch(b -> b.matches("copy SparkProgress\\[stagesDone=\\d+, stagesSubmitted=[1-9]\\d*, tasksDone=\\d+,"
            + " tasksTotal=[1-9]\\d*]"));
  }

  @Test
  void heartbeatPeriodsAreReadOrRejectedWithTheFix() {
    assertThat(StepProgress.period(null)).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(StepProgress.period("250ms")).isEqualTo(java.time.Duration.ofMillis(250));
    assertThat(StepProgress.period("10s")).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(StepProgress.period("2m")).isEqualTo(java.time.Duration.ofMinutes(2));
    assertThat(StepProgress.period("off")).isNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> StepProgress.period("soon"))
        .isInstanceOf(dev.lakemill.error.LakemillException.class)
        .hasMessage("Cannot use lakemill.progress.heartbeat 'soon': give a period such as 5s, 500ms or 2m, or off for"
            + " no heartbeats (e.g. LAKEMILL_JAVA_OPTS=-Dlakemill.progress.heartbeat=10s)")
        .extracting(e -> ((dev.lakemill.error.LakemillException) e).exitCode()).isEqualTo(2);
  }
}
