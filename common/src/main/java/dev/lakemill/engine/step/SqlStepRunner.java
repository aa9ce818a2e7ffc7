package dev.lakemill.engine.step;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.lakemill.delta.DeltaIO;
import dev.lakemill.ledger.ExpectationCount;
import dev.lakemill.plan.ExpectationPlan;
import dev.lakemill.plan.SqlStepPlan;
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
 *
 * <p>Params reach the SQL and the checks as values bound to named parameter markers
 * ({@code spark.sql(text, args)}), and Spark's variable substitution ({@code ${env:NAME}}) is off for
 * the session, so no value is ever read as SQL text.
 */
public final class SqlStepRunner {
  static final String QUARANTINE_EXPECTATIONS = "_lakemill_expectations";
  /** Spark expands {@code ${var}}, {@code ${env:NAME}} and {@code ${system:name}} in SQL text when on. */
  public static final String VARIABLE_SUBSTITUTE = "spark.sql.variable.substitute";
  /**
   * True: the analyzer binds parameter markers. Delta 4.2's SQL parser does not pass arguments through
   * Spark 4.1's parse-time substitution, so without it every marker is reported unbound.
   */
  public static final String MARKERS_BOUND_BY_ANALYZER = "spark.sql.legacy.parameterSubstitution.constantsOnly";

  private final SparkSession spark;
  private final String runId;
  private final String commitTag;
  private final Consumer<String> warnings;

  /** @param commitTag the user metadata the session attaches to this step's Delta commits */
  public SqlStepRunner(SparkSession spark, String runId, String commitTag, Consumer<String> warnings) {
    this.spark = spark;
    this.runId = runId;
    this.commitTag = commitTag;
    this.warnings = warnings;
  }

  /** Runs the step; returns its outcome and leaves the result for later steps in {@code view}. */
  public StepOutcome run(SqlStepPlan step, Consumer<Dataset<Row>> view) {
    Dataset<Row> result;
    spark.conf().set(VARIABLE_SUBSTITUTE, "false");
    spark.conf().set(MARKERS_BOUND_BY_ANALYZER, "true");
    try {
      result = step.args().isEmpty() ? spark.sql(step.sql()) : spark.sql(step.sql(), step.args());
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
      DeltaIO.Written written = DeltaIO.write(spark, result, step.output(), commitTag);
      reportReuse(step, written);
      return new StepOutcome(written.version(), written.rows(), written.rows(), 0, List.of());
    }
    boolean bound = !step.args().isEmpty();
    Dataset<Row> flagged = flag(bound ? bindChecks(step) : result, step.expectations(), bound)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return runChecked(step, result.columns(), flagged, view);
    } finally {
      flagged.unpersist();
    }
  }

  private StepOutcome runChecked(SqlStepPlan step, String[] columns, Dataset<Row> flagged,
      Consumer<Dataset<Row>> view) {
    List<ExpectationPlan> expectations = step.expectations();
    Column isDropped = lit(false);
    List<Column> aggs = new ArrayList<>();
    for (int i = 0; i < expectations.size(); i++) {
      aggs.add(sum(when(col(flag(i)), 1).otherwise(0)));
      if (expectations.get(i).onViolation() == OnViolation.DROP) {
        isDropped = isDropped.or(col(flag(i)));
      }
    }
    aggs.add(sum(when(isDropped, 1).otherwise(0)));
    Row counts = flagged.agg(count(lit(1)), aggs.toArray(Column[]::new)).head();
    long rowsIn = counts.getLong(0);
    long quarantined = counts.isNullAt(expectations.size() + 1) ? 0 : counts.getLong(expectations.size() + 1);
    List<ExpectationCount> perExpectation = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < expectations.size(); i++) {
      ExpectationPlan e = expectations.get(i);
      long violations = counts.isNullAt(i + 1) ? 0 : counts.getLong(i + 1);
      perExpectation.add(new ExpectationCount(e.name(), e.onViolation().key(), violations));
      if (violations > 0 && e.onViolation() == OnViolation.FAIL) {
        failures.add("expectation '" + e.name() + "' (" + describe(e) + ") failed on " + n(violations) + " of " + n(rowsIn) + " rows");
      } else if (violations > 0 && e.onViolation() == OnViolation.WARN) {
        warnings.accept("step " + step.name() + ": expectation '" + e.name() + "' (" + describe(e) + ") violated by "
            + n(violations) + " of " + n(rowsIn) + " rows (on-violation = warn: kept)");
      }
    }
    if (!failures.isEmpty()) {
      throw RunErrors.expectationsFailed(step.name(), failures);
    }
    Dataset<Row> kept = (quarantined == 0 ? flagged : flagged.where(not(isDropped))).select(cols(columns));
    if (step.output() == null) {
      view.accept(kept);
      return new StepOutcome(-1, rowsIn, -1, 0, perExpectation);
    }
    if (quarantined > 0) {
      List<Column> quarantineColumns = new ArrayList<>(List.of(cols(columns)));
      quarantineColumns.add(violatedNames(expectations).as(QUARANTINE_EXPECTATIONS));
      quarantineColumns.add(lit(runId).as(DeltaIO.QUARANTINE_RUN_ID));
      Dataset<Row> quarantine = flagged.where(isDropped).select(quarantineColumns.toArray(Column[]::new));
      DeltaIO.replaceWhere(quarantine, step.output().quarantine().location(),
          "`" + DeltaIO.QUARANTINE_RUN_ID + "` = '" + runId + "'");
    }
    DeltaIO.Written written = DeltaIO.write(spark, kept, step.output(), commitTag);
    reportReuse(step, written);
    return new StepOutcome(written.version(), rowsIn, rowsIn - quarantined, quarantined, perExpectation);
  }

  private void reportReuse(SqlStepPlan step, DeltaIO.Written written) {
    if (written.reused()) {
      warnings.accept(RunErrors.writeReused(step.name(), step.output(), runId, written.version()));
    }
  }

  /**
   * The step's result with the flag column of each condition (check, not-null), in one parameterized
   * SELECT around the step's SQL, so that the params in checks are bound values too. (A temporary view
   * of the result would not do: Spark analyses a view's plan again, without the arguments.)
   */
  private Dataset<Row> bindChecks(SqlStepPlan step) {
    StringBuilder select = new StringBuilder("SELECT *");
    for (int i = 0; i < step.expectations().size(); i++) {
      ExpectationPlan e = step.expectations().get(i);
      if (!e.kind().equals("unique")) {
        // Line breaks keep a trailing "--" comment in the check from reaching the rest of the SELECT.
        select.append(",\nNOT coalesce((\n").append(e.condition()).append("\n), false) AS ").append(flag(i));
      }
    }
    return spark.sql(select.append("\nFROM (\n").append(step.sql()).append("\n) AS _lakemill_result").toString(),
        step.args());
  }

  /**
   * Adds one boolean column per expectation: true where the row violates it.
   *
   * @param conditionsBound whether {@link #bindChecks} has already added the conditions' columns
   */
  private static Dataset<Row> flag(Dataset<Row> result, List<ExpectationPlan> expectations, boolean conditionsBound) {
    Dataset<Row> flagged = result;
    for (int i = 0; i < expectations.size(); i++) {
      ExpectationPlan e = expectations.get(i);
      if (e.kind().equals("unique")) {
        flagged = flagged.withColumn(flag(i),
            count(lit(1)).over(Window.partitionBy(cols(e.columns().toArray(String[]::new)))).gt(1));
      } else if (!conditionsBound) {
        flagged = flagged.withColumn(flag(i), not(coalesce(expr(e.condition()), lit(false))));
      }
    }
    return flagged;
  }

  /** The names of the expectations a row violates, for quarantined rows. */
  private static Column violatedNames(List<ExpectationPlan> expectations) {
    Column[] marks = new Column[expectations.size()];
    for (int i = 0; i < marks.length; i++) {
      marks[i] = when(col(flag(i)), lit(expectations.get(i).name()));
    }
    return filter(array(marks), x -> x.isNotNull());
  }

  private static String flag(int expectation) {
    return "_lakemill_violates_" + expectation;
  }

  private static String n(long count) {
    return String.format(java.util.Locale.ROOT, "%,d", count);
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
