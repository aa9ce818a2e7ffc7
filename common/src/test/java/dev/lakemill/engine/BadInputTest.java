package dev.lakemill.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakemill.PipelineFixture.Run;
import dev.lakemill.SparkTestBase;
import dev.lakemill.check.Checks;
import dev.lakemill.compile.StepSelection;
import dev.lakemill.delta.DeltaIO;
import dev.lakemill.ledger.StepRecord;
import dev.lakemill.ledger.StepStatus;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.settings.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Source files that are missing, empty or do not match their schema: the step that reads them fails
 * before it writes, naming source, file, line and record, or with {@code on-bad-records = quarantine}
 * the bad records go to the bad-records table and the good ones flow on.
 */
class BadInputTest extends SparkTestBase {
  private static final String PLANS = """
      pipeline { name = plans }
      sources {
        plans {
          format = csv
          path = plans.csv
          options { header = "true" }
          schema = "plan STRING, monthly_fee DOUBLE, contract_months INT"
          %s
        }
      }
      steps {
        names { type = sql, sql = "SELECT plan FROM plans", output = silver.plans }
      }
      """;

  private Run run(String pipeline, String runId, String... steps) {
    // Forced: these tests read the same files again on purpose, which the step cache would skip.
    return lake.run(lake.plan("pipeline", pipeline, Map.of()), runId, RunOptions.FORCE, steps);
  }

  private Path file(String name, String text) throws IOException {
    return Files.writeString(lakehouse.resolve(name), text);
  }

  /** The ledger's row for the step: status and error. */
  private String ledgerStep(String runId, String step) {
    return sql("SELECT status, error FROM delta.`%s/_lakemill/steps` WHERE run_id = '%s' AND step = '%s'",
        lakehouse, runId, step).get(0).toString();
  }

  /** The run failed with {@code error} on its first step, the ledger says so, nothing was committed. */
  private void assertFailedWithNothingWritten(Run result, String error, String output, long version) {
    assertThat(result.succeeded()).isFalse();
    assertThat(result.run().error()).isEqualTo(error);
    assertThat(result.steps().get(0).status()).isEqualTo(StepStatus.FAILED);
    assertThat(ledgerStep(result.run().runId(), result.steps().get(0).step())).isEqualTo("[failed," + error + "]");
    assertThat(DeltaIO.latestVersion(spark, lake.location(output))).isEqualTo(version);
  }

  @Test
  void aCsvValueThatDoesNotParseFailsTheStepNamingFileLineAndRecordAndLeavesTheTableAsItWas() throws IOException {
    Path csv = file("plans.csv", "plan,monthly_fee,contract_months\nbasic,9.99,1\nstudent,7.99,6\n");
    assertThat(run(PLANS.formatted(""), "good").succeeded()).isTrue();
    file("plans.csv", "plan,monthly_fee,contract_months\nbasic,9.99,1\nstandard,abc,12\npremium,34.99,x\n");

    Run result = run(PLANS.formatted(""), "bad");

    // The step selects only plan, yet monthly_fee is checked: every column of every record is.
    assertFailedWithNothingWritten(result, "Step 'names' failed: Source 'plans': bad record in " + csv
        + " at line 3: 'standard,abc,12' (value 'abc' of column monthly_fee is not a valid DOUBLE); the first of 2 bad"
        + " records. Nothing was written. Fix the file or the schema, or set on-bad-records = quarantine to set bad"
        + " records aside", "silver.plans", 0);
    assertThat(count("silver.plans")).isEqualTo(2);
  }

  @Test
  void aCsvRecordWithAnotherNumberOfValuesFailsEvenWhenTheStepFiltersItOut() throws IOException {
    Path csv = file("plans.csv", "plan,monthly_fee,contract_months\n\"basic, yearly\",99.0,12\npremium,34.99\n");
    String pipeline = PLANS.formatted("").replace("SELECT plan FROM plans", "SELECT plan FROM plans WHERE plan LIKE 'b%'");

    Run result = run(pipeline, "bad");

    assertFailedWithNothingWritten(result, "Step 'names' failed: Source 'plans': bad record in " + csv
        + " at line 3: 'premium,34.99' (2 values, the schema has 3 columns). Nothing was written. Fix the file or the"
        + " schema, or set on-bad-records = quarantine to set bad records aside", "silver.plans", -1);
  }

  @Test
  void aBadFirstRecordFailsAsTheSourceIsOpened() throws IOException {
    Path csv = file("plans.csv", "plan,monthly_fee,contract_months\nbasic,9.99,1,extra\n");

    Run result = run(PLANS.formatted(""), "bad");

    assertFailedWithNothingWritten(result, "Step 'names' failed: Source 'plans': bad record in " + csv
        + " at line 2: 'basic,9.99,1,extra' (4 values, the schema has 3 columns). Nothing was written. Fix the file or"
        + " the schema, or set on-bad-records = quarantine to set bad records aside", "silver.plans", -1);
  }

  @Test
  void jsonLinesThatAreNotObjectsOrHoldAWrongTypeFail() throws IOException {
    Path json = file("events.json", "{\"id\": 1, \"kind\": \"open\"}\n{\"id\": 2, \"kind\": \"close\"\n");
    Path typed = file("typed.json", "{\"id\": 1, \"kind\": \"open\"}\n\n{\"id\": \"two\", \"kind\": \"close\"}\n");
    String pipeline = """
        pipeline { name = events }
        sources {
          events { format = json, path = events.json, schema = "id BIGINT, kind STRING" }
          typed { format = json, path = typed.json, schema = "id BIGINT, kind STRING" }
        }
        steps {
          a { type = sql, sql = "SELECT kind FROM events", output = silver.a }
          b { type = sql, sql = "SELECT kind FROM typed", output = silver.b }
        }
        """;

    Run malformed = run(pipeline, "a", "a");
    Run wrongType = run(pipeline, "b", "b");

    assertFailedWithNothingWritten(malformed, "Step 'a' failed: Source 'events': bad record in " + json
        + " at line 2: '{\"id\": 2, \"kind\": \"close\"' (not a JSON object). Nothing was written. Fix the file or the"
        + " schema, or set on-bad-records = quarantine to set bad records aside", "silver.a", -1);
    assertFailedWithNothingWritten(wrongType, "Step 'b' failed: Source 'typed': bad record in " + typed
        + " at line 3: '{\"id\": \"two\", \"kind\": \"close\"}' (value 'two' of field id is not a valid BIGINT)."
        + " Nothing was written. Fix the file or the schema, or set on-bad-records = quarantine to set bad records"
        + " aside", "silver.b", -1);
  }

  @Test
  void aMissingFileFailsWithTheSourceAndThePath() throws IOException {
    Run result = run(PLANS.formatted(""), "missing");

    assertFailedWithNothingWritten(result, "Step 'names' failed: Source 'plans': " + lakehouse.resolve("plans.csv")
        + " does not exist. Nothing was written. Fix the path (a relative path starts at the pipeline file's folder)"
        + " or create the file", "silver.plans", -1);
  }

  @Test
  void anEmptyFileOrAHeaderOnlyFailsUnlessAllowEmpty() throws IOException {
    String error = "Step 'names' failed: Source 'plans': " + lakehouse.resolve("plans.csv") + " has no records."
        + " Nothing was written. Put records in it, fix the path, or set allow-empty = true on the source if no records"
        + " is normal";
    file("plans.csv", "");
    assertFailedWithNothingWritten(run(PLANS.formatted(""), "empty"), error, "silver.plans", -1);
    file("plans.csv", "plan,monthly_fee,contract_months\n");
    assertFailedWithNothingWritten(run(PLANS.formatted(""), "header"), error, "silver.plans", -1);

    Run allowed = run(PLANS.formatted("allow-empty = true"), "allowed");

    assertThat(allowed.succeeded()).isTrue();
    assertThat(count("silver.plans")).isZero();
  }

  @Test
  void parquetAndOrcFilesMustHoldEveryDeclaredColumnWithItsType() throws IOException {
    spark.sql("SELECT 'basic' AS plan, 9.99D AS monthly_fee").coalesce(1).write().parquet(lakehouse.resolve("p").toString());
    spark.sql("SELECT 'basic' AS plan, 9.99D AS monthly_fee").coalesce(1).write().orc(lakehouse.resolve("o").toString());
    String parquetFile = dataFile("p", ".parquet");
    String orcFile = dataFile("o", ".orc");
    String pipeline = """
        pipeline { name = typed }
        sources {
          missing { format = parquet, path = p, schema = "plan STRING, contract_months INT" }
          retyped { format = orc, path = o, schema = "plan STRING, monthly_fee INT" }
          fine { format = parquet, path = p, schema = "PLAN STRING, monthly_fee DOUBLE" }
        }
        steps {
          a { type = sql, sql = "SELECT plan FROM missing", output = silver.a }
          b { type = sql, sql = "SELECT * FROM retyped", output = silver.b }
          c { type = sql, sql = "SELECT * FROM fine", output = silver.c }
        }
        """;

    Run missing = run(pipeline, "a", "a");
    Run retyped = run(pipeline, "b", "b");
    Run fine = run(pipeline, "c", "c");

    assertFailedWithNothingWritten(missing, "Step 'a' failed: Source 'missing': " + parquetFile + " does not match the"
        + " schema: it has no column contract_months. Nothing was written. Fix the file, or remove contract_months"
        + " from the schema", "silver.a", -1);
    assertFailedWithNothingWritten(retyped, "Step 'b' failed: Source 'retyped': " + orcFile + " does not match the"
        + " schema: column monthly_fee is DOUBLE in the file but INT in the schema. Nothing was written. Declare"
        + " monthly_fee DOUBLE (and CAST it in SQL), or fix the file", "silver.b", -1);
    assertThat(fine.succeeded()).isTrue();
    assertThat(sql("SELECT * FROM delta.`%s`", lake.location("silver.c"))).extracting(Row::toString).containsExactly("[basic,9.99]");
  }

  @Test
  void quarantineKeepsGoodRowsFlowingAndSetsBadOnesAsideWithFileLineAndReason() throws IOException {
    Path csv = file("plans.csv", "plan,monthly_fee,contract_months\nbasic,9.99,1\nstandard,abc,12\nstudent,7.99,6\n"
        + "premium,34.99\n");
    String pipeline = PLANS.formatted("on-bad-records = quarantine");

    Run first = run(pipeline, "q-1");
    Run again = run(pipeline, "q-1");

    assertThat(first.succeeded()).isTrue();
    assertThat(again.succeeded()).isTrue();
    assertThat(sql("SELECT plan FROM delta.`%s` ORDER BY plan", lake.location("silver.plans")))
        .extracting(Row::toString).containsExactly("[basic]", "[student]");
    String quarantine = lakehouse.resolve("_lakemill/bad_records/plans/plans").toString();
    assertThat(sql("SELECT run_id, pipeline, source, file, line, record, reason FROM delta.`%s` ORDER BY line", quarantine))
        .extracting(Row::toString).as("a rerun under the same run id replaces its rows").containsExactly(
            "[q-1,plans,plans," + csv + ",3,standard,abc,12,value 'abc' of column monthly_fee is not a valid DOUBLE]",
            "[q-1,plans,plans," + csv + ",5,premium,34.99,2 values, the schema has 3 columns]");
    assertThat(io.delta.tables.DeltaTable.forPath(spark, quarantine).history().select("userMetadata").collectAsList())
        .extracting(r -> r.getString(0)).containsOnly("lakemill pipeline=plans run=q-1 source=plans");
    assertThat(Stream.concat(first.warnings().stream(), again.warnings().stream())).containsExactly(
        "source plans: 2 of 4 records do not match the schema; set aside in " + quarantine + " (on-bad-records = quarantine)",
        "source plans: 2 of 4 records do not match the schema; set aside in " + quarantine + " (on-bad-records = quarantine)");
  }

  @Test
  void quarantineWithNoGoodRecordLeftFailsAfterSettingThemAside() throws IOException {
    Path csv = file("plans.csv", "plan,monthly_fee,contract_months\nstandard,abc,12\nbasic\n");
    String pipeline = PLANS.formatted("on-bad-records = quarantine, bad-records-table = quarantine.plans");

    Run result = run(pipeline, "all-bad");

    assertFailedWithNothingWritten(result, "Step 'names' failed: Source 'plans': none of the 2 records of " + csv
        + " matches the schema; they were set aside in quarantine.plans. Nothing else was written. Fix the file or the"
        + " schema, or set allow-empty = true on the source if no records is normal", "silver.plans", -1);
    assertThat(sql("SELECT run_id, line, record FROM delta.`%s` ORDER BY line", lake.location("quarantine.plans")))
        .extracting(Row::toString).containsExactly("[all-bad,2,standard,abc,12]", "[all-bad,3,basic]");
  }

  private String dataFile(String folder, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(lakehouse.resolve(folder))) {
      return files.filter(p -> p.toString().endsWith(suffix)).findFirst().orElseThrow().toString();
    }
  }
}
