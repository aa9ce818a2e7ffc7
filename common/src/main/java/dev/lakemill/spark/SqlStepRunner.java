package dev.lakemill.spark;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.arrays_overlap;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.lakemill.compile.plan.ExpectationPlan;
import dev.lakemill.compile.plan.SqlStepPlan;
import dev.lakemill.ledger.ExpectationCount;
import dev.lakemill.spec.OnViolation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.storage.StorageLevel;

/**
 * Runs a {@code sql} step: the SELECT, its expectations in one pass over the result, then the
 * quarantine and output writes. With a {@code fail} expectation violated, nothing is written.
 */
final class SqlStepRunner {
  static final String VIOLATIONS = "_lakemill_violations";
  static final String QUARANTINE_EXPECTATIONS = "_lakemill_expectations";
  static final String QUARANTINE_RUN_ID = "_lakemill_run_id";

  private final SparkSession spark;
  private final String runId;
  private final Consumer<String> warnings;

  SqlStepRunner(SparkSession spark, String runId, Consumer<String> warnings) {
    this.spark = spark;
    this.runId = runId;
    this.warnings = warnings;
  }

  /** Runs the step; returns its outcome and leaves the result for later steps in {@code view}. */
  StepOutcome run(SqlStepPlan step, Consumer<Dataset<Row>> view) {
    Dataset<Row> result;
    try {
      result = spark.sql(step.sql());
    } catch (Exception e) {
      if (e instanceof AnalysisException analysis) {
        throw RunErrors.sqlAnalysis(step.name(), step.sqlAt(), analysis);
      }
      throw e;
    }
    if (step.expectations().isEmpty()) {
      if (step.output() == null) {
        view.accept(result);
        return new StepOutcome(-1, -1, -1, 0, List.of());
      }
      DeltaIO.Written written = DeltaIO.write(spark, result, step.output());
      return new StepOutcome(written.version(), written.rows(), written.rows(), 0, List.of());
    }
    Dataset<Row> flagged = flag(result, step.expectations()).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return runChecked(step, result.columns(), flagged, view);
    } finally {
      flagged.unpersist();
    }
  }

  private StepOutcome runChecked(SqlStepPlan step, String[] columns, Dataset<Row> flagged,
      Consumer<Dataset<Row>> view) {
    List<ExpectationPlan> expectations = step.expectations();
    List<String> dropped = names(expectations, OnViolation.DROP);
    Column isDropped = arrays_overlap(col(VIOLATIONS), array(dropped.stream().map(n -> lit(n)).toArray(Column[]::new)));
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)));
    aggs.add(sum(when(dropped.isEmpty() ? lit(false) : isDropped, 1).otherwise(0)));
    for (ExpectationPlan e : expectations) {
      aggs.add(sum(when(array_contains(col(VIOLATIONS), e.name()), 1).otherwise(0)));
    }
    Row counts = flagged.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).head();
    long rowsIn = counts.getLong(0);
    long quarantined = counts.isNullAt(1) ? 0 : counts.getLong(1);
    List<ExpectationCount> perExpectation = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < expectations.size(); i++) {
      ExpectationPlan e = expectations.get(i);
      long violations = counts.isNullAt(i + 2) ? 0 : counts.getLong(i + 2);
      perExpectation.add(new ExpectationCount(e.name(), e.onViolation().key(), violations));
      if (violations > 0 && e.onViolation() == OnViolation.FAIL) {
        failures.add("expectation '" + e.name() + "' (" + describe(e) + ") failed on " + violations + " of " + rowsIn + " rows");
      } else if (violations > 0 && e.onViolation() == OnViolation.WARN) {
        warnings.accept("step " + step.name() + ": expectation '" + e.name() + "' (" + describe(e) + ") violated by "
            + violations + " of " + rowsIn + " rows (on-violation = warn: kept)");
      }
    }
    if (!failures.isEmpty()) {
      throw RunErrors.expectationsFailed(step.name(), failures);
    }
    Dataset<Row> kept = (dropped.isEmpty() ? flagged : flagged.where(not(isDropped))).select(cols(columns));
    if (step.output() == null) {
      view.accept(kept);
      return new StepOutcome(-1, rowsIn, -1, 0, perExpectation);
    }
    if (quarantined > 0) {
      List<Column> quarantineColumns = new ArrayList<>(List.of(cols(columns)));
      quarantineColumns.add(col(VIOLATIONS).as(QUARANTINE_EXPECTATIONS));
      quarantineColumns.add(lit(runId).as(QUARANTINE_RUN_ID));
      Dataset<Row> quarantine = flagged.where(isDropped).select(quarantineColumns.toArray(Column[]::new));
      DeltaIO.append(spark, quarantine, step.output().quarantine().location());
    }
    DeltaIO.Written written = DeltaIO.write(spark, kept, step.output());
    return new StepOutcome(written.version(), rowsIn, rowsIn - quarantined, quarantined, perExpectation);
  }

  /** Adds an array column naming every expectation each row violates. */
  private static Dataset<Row> flag(Dataset<Row> result, List<ExpectationPlan> expectations) {
    Dataset<Row> withKeys = result;
    List<Column> marks = new ArrayList<>();
    for (int i = 0; i < expectations.size(); i++) {
      ExpectationPlan e = expectations.get(i);
      if (e.kind().equals("unique")) {
        String dup = "_lakemill_dup_" + i;
        withKeys = withKeys.withColumn(dup,
            count(lit(1)).over(Window.partitionBy(cols(e.columns().toArray(String[]::new)))));
        marks.add(when(col(dup).gt(1), lit(e.name())));
      } else {
        marks.add(when(not(coalesce(expr(e.condition()), lit(false))), lit(e.name())));
      }
    }
    Column violated = filter(array(marks.toArray(Column[]::new)), x -> x.isNotNull());
    return withKeys.withColumn(VIOLATIONS, violated);
  }

  private static List<String> names(List<ExpectationPlan> expectations, OnViolation onViolation) {
    return expectations.stream().filter(e -> e.onViolation() == onViolation).map(ExpectationPlan::name).toList();
  }

  private static String describe(ExpectationPlan e) {
    return e.kind().equals("check") ? "check " + e.condition() : e.kind() + " " + e.columns();
  }

  private static Column[] cols(String[] names) {
    Column[] out = new Column[names.length];
    for (int i = 0; i < names.length; i++) {
      out[i] = col("`" + names[i].replace("`", "``") + "`");
    }
    return out;
  }
}
