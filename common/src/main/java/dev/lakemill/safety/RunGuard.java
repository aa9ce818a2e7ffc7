package dev.lakemill.safety;

import dev.lakemill.LakemillVersion;
import dev.lakemill.compile.StepSelection;
import dev.lakemill.fs.HadoopConf;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.plan.StepPlan;
import dev.lakemill.plan.TrainStepPlan;
import dev.lakemill.settings.Environment;
import dev.lakemill.settings.LeaseSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * What makes one run safe to kill, to stop and to start twice: the pipeline's {@link RunLease}
 * (taken before Spark starts, so a run that has to wait or fail holds no executors), the
 * {@link StopSignal} for SIGTERM and SIGINT, and, once Spark is up, the recording of runs found
 * abandoned. Usage: {@code try (RunGuard guard = RunGuard.acquire(...)) { start Spark;
 * runner.stopOn(guard.start(spark)).run(...); stop Spark }}.
 */
public final class RunGuard implements AutoCloseable {
  /** How long after SIGTERM the run may take to record itself before the JVM exits anyway. */
  static final Duration STOP_GRACE = Duration.ofSeconds(45);

  private final PipelinePlan plan;
  private final RunLease lease;
  private final StopSignal stop;
  private final Consumer<String> out;

  private RunGuard(PipelinePlan plan, RunLease lease, StopSignal stop, Consumer<String> out) {
    this.plan = plan;
    this.lease = lease;
    this.stop = stop;
    this.out = out;
  }

  /**
   * Handles SIGTERM/SIGINT and takes the pipeline's lease, waiting or failing as {@code onBusy} (or
   * else the environment's {@code lakemill.lease.on-busy}) says.
   *
   * @param selected the selected steps, as for {@link dev.lakemill.engine.PipelineRunner#run}
   * @param onBusy overrides the environment's setting; null keeps it
   * @throws dev.lakemill.safety.RunLeaseException when the lease cannot be taken
   */
  public static RunGuard acquire(PipelinePlan plan, String runId, Set<String> selected, Environment env,
      LeaseSettings.OnBusy onBusy, Consumer<String> out) {
    LeaseSettings settings = onBusy == null ? env.lease() : env.lease().withOnBusy(onBusy);
    StopSignal stop = StopSignal.onSignals(STOP_GRACE, out);
    try {
      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      LeaseHolder self = new LeaseHolder(UUID.randomUUID().toString(), runId, plan.pipeline(), host(),
          ProcessHandle.current().pid(), now, settings.ttl().toMillis(), plan.file(), plan.params(),
          steps(plan, selected), LakemillVersion.get(), now);
      RunLease lease = RunLease.acquire(plan.ledgerLocation(), self, settings, HadoopConf.of(env),
          stop::cause, out);
      lease.onLost(stop::request);
      return new RunGuard(plan, lease, stop, out);
    } catch (RuntimeException e) {
      stop.close();
      throw e;
    }
  }

  /**
   * Once Spark is up: lets the stop signal cancel step jobs and check the lease before each commit
   * (fencing), and records the runs found abandoned.
   *
   * @return the signal to pass to {@link dev.lakemill.engine.PipelineRunner#stopOn}
   */
  public StopSignal start(SparkSession spark) {
    attach(spark);
    return start(() -> spark);
  }

  /**
   * Before Spark is up: lets the stop signal check the lease before each commit (fencing), and records the
   * runs found abandoned, asking {@code spark} for a session only when there are some. Call {@link #attach}
   * once a session is started.
   *
   * @return the signal to pass to {@link dev.lakemill.engine.PipelineRunner#stopOn}
   */
  public StopSignal start(java.util.function.Supplier<SparkSession> spark) {
    stop.fencedBy(lease);
    if (!lease.abandoned().isEmpty()) {
      new AbandonedRuns(spark.get(), plan.ledgerLocation()).recordAll(lease, out);
    }
    return stop;
  }

  /** Lets the stop signal cancel the step jobs of {@code spark}'s context. */
  public void attach(SparkSession spark) {
    stop.attach(spark.sparkContext());
  }

  /**
   * Makes the lease describe {@code runId} and {@code selected} instead of what it was acquired with,
   * so that if this process is killed, the run it actually ran is the one recorded as abandoned.
   */
  public void runs(String runId, Set<String> selected) {
    lease.describe(runId, steps(plan, selected));
  }

  /** Releases the lease and restores the signal handlers; call after Spark has stopped. */
  @Override
  public void close() {
    try {
      lease.close();
    } finally {
      stop.close();
    }
  }

  private static List<LeaseHolder.LeasedStep> steps(PipelinePlan plan, Set<String> selected) {
    Set<String> toRun = StepSelection.withViewInputs(plan, selected);
    return plan.steps().stream().filter(s -> toRun.contains(s.name())).map(RunGuard::leased).toList();
  }

  private static LeaseHolder.LeasedStep leased(StepPlan step) {
    return new LeaseHolder.LeasedStep(step.name(), step.output() == null ? "" : step.output().name(),
        step.output() == null ? "" : step.output().location(),
        step instanceof TrainStepPlan train ? train.modelName() : "");
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String fromEnv = System.getenv("HOSTNAME");
      return fromEnv == null ? "unknown" : fromEnv;
    }
  }
}
