package dev.lakemill;

import dev.lakemill.check.Checks;
import dev.lakemill.compile.StepSelection;
import dev.lakemill.delta.InputVersion;
import dev.lakemill.engine.PipelineRunner;
import dev.lakemill.engine.RunListener;
import dev.lakemill.engine.RunOptions;
import dev.lakemill.engine.RunResult;
import dev.lakemill.ledger.RunRecord;
import dev.lakemill.ledger.StepRecord;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.plan.StepPlan;
import dev.lakemill.settings.Environment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Pipelines in tests: plan a file or HOCON text, run the plan while collecting what it reports, and
 * read the Delta tables it wrote, all in one lakehouse folder with one SparkSession. Also the one
 * place tests build a local SparkSession ({@link #localSpark}).
 *
 * <p>{@link #plan(Path, Map, Environment)} is the only place tests turn a pipeline file into a plan.
 */
public final class PipelineFixture {
  private final SparkSession spark;
  private final Path lakehouse;

  public PipelineFixture(SparkSession spark, Path lakehouse) {
    this.spark = spark;
    this.lakehouse = lakehouse;
  }

  /**
   * A local session with Delta on one core, one shuffle and Delta snapshot partition, UTC, loopback
   * host, no UI and Spark logs at WARN. One core: the suite's two forks already keep both of the
   * machine's cores busy, and on tiny tables a second task per stage and shuffle partition is only
   * overhead (MlLifecycleTest, StepCacheTest and DriftStepTest side by side: 519 CPU-s on two cores
   * each, 489 on one).
   */
  public static SparkSession localSpark(String appName) {
    SparkSession session = SparkSession.builder()
        .master("local[1]")
        .appName(appName)
        .config("spark.driver.host", InetAddress.getLoopbackAddress().getHostAddress())
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.databricks.delta.snapshotPartitions", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .getOrCreate();
    session.sparkContext().setLogLevel("WARN");
    return session;
  }

  /** The plan of a pipeline file, as {@code lakemill run} compiles it, for a lakehouse in {@code env}. */
  public static PipelinePlan plan(Path file, Map<String, String> params, Environment env) {
    return Checks.compiler().compile(file, params, env);
  }

  public SparkSession spark() {
    return spark;
  }

  public Path lakehouse() {
    return lakehouse;
  }

  /** The local environment whose lakehouse root is this fixture's folder. */
  public Environment env() {
    return Environment.local(lakehouse.toString());
  }

  /** Writes {@code hocon} to {@code <lakehouse>/<name>.conf} and returns that file. */
  public Path write(String name, String hocon) {
    try {
      return Files.writeString(lakehouse.resolve(name + ".conf"), hocon);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public PipelinePlan plan(Path file, Map<String, String> params) {
    return plan(file, params, env());
  }

  /** The plan of {@code hocon}, written to {@code <lakehouse>/<name>.conf} first. */
  public PipelinePlan plan(String name, String hocon, Map<String, String> params) {
    return plan(write(name, hocon), params);
  }

  /** Runs the named steps (all when none) of {@code plan}; up-to-date steps are skipped. */
  public Run run(PipelinePlan plan, String runId, String... steps) {
    return run(plan, runId, RunOptions.DEFAULT, steps);
  }

  public Run run(PipelinePlan plan, String runId, RunOptions options, String... steps) {
    return run(new PipelineRunner(spark), plan, runId, options, RunListener.NONE, steps);
  }

  /**
   * Runs the named steps (all when none) with {@code runner} (for one stopped by a signal), telling
   * {@code also} everything the run reports besides collecting it.
   */
  public Run run(PipelineRunner runner, PipelinePlan plan, String runId, RunOptions options, RunListener also,
      String... steps) {
    List<String> progress = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    List<String> infos = new ArrayList<>();
    RunListener collect = new RunListener() {
      @Override
      public void stepStarted(StepPlan step, List<InputVersion> reads, int position, int total) {
        also.stepStarted(step, reads, position, total);
      }

      @Override
      public void heartbeat(String step, long elapsedMillis, SparkProgress progress) {
        also.heartbeat(step, elapsedMillis, progress);
      }

      @Override
      public void stepFinished(StepRecord step, int position, int total) {
        progress.add("[" + position + "/" + total + "] " + step.step() + " " + step.status());
        also.stepFinished(step, position, total);
      }

      @Override
      public void warning(String message) {
        warnings.add(message);
        also.warning(message);
      }

      @Override
      public void info(String message) {
        infos.add(message);
        also.info(message);
      }
    };
    RunResult result = runner.run(plan, runId, StepSelection.select(plan, List.of(steps), null), collect, options);
    return new Run(result, progress, warnings, infos);
  }

  /** The location of table {@code name} ({@code silver.customers}) in this lakehouse. */
  public String location(String name) {
    return lakehouse.resolve(name.replace('.', '/')).toString();
  }

  /** The Delta table named {@code table} in this lakehouse, or at {@code table} when it is an absolute path. */
  public Dataset<Row> table(String table) {
    String location = Path.of(table).isAbsolute() ? table : location(table);
    return spark.read().format("delta").load(location);
  }

  public long count(String table) {
    return table(table).count();
  }

  /** Rows of {@code String.format(query, args)}. */
  public List<Row> sql(String query, Object... args) {
    return spark.sql(String.format(query, args)).collectAsList();
  }

  /**
   * What a run did, and what it reported on the way: one progress line per finished step
   * ({@code [1/2] prepare succeeded}), its warnings and its info lines, in order.
   */
  public record Run(RunResult result, List<String> progress, List<String> warnings, List<String> infos) {
    public Run {
      progress = List.copyOf(progress);
      warnings = List.copyOf(warnings);
      infos = List.copyOf(infos);
    }

    public boolean succeeded() {
      return result.succeeded();
    }

    /** The run's ledger record. */
    public RunRecord run() {
      return result.run();
    }

    public List<StepRecord> steps() {
      return result.steps();
    }
  }
}
