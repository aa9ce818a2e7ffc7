package dev.lakemill.safety;

import dev.lakemill.ledger.StepRecord;
import dev.lakemill.ledger.StepStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * A request to stop a run early: SIGTERM (what Airflow sends on a task timeout) or SIGINT, or the
 * loss of the run's lease. Once requested, the Spark jobs of the current step (the job group
 * {@code lakemill:<pipeline>:<step>} of the latest step job started) are cancelled, those running
 * and those that start later, so the step fails fast; the runner marks it failed ("stopped by
 * SIGTERM"), runs no further step and writes the ledger, whose jobs have no step group and are not
 * cancelled. Then the caller stops Spark, releases the lease and exits with 1.
 *
 * <p>Signals are handled with {@code sun.misc.Signal} rather than a shutdown hook: a SIGTERM that
 * starts the JVM's shutdown also runs Spark's own shutdown hook, which stops the SparkContext while
 * the run still needs it to write the ledger, and the JVM then exits with 143 whatever the hook
 * does. Replacing the handler keeps the JVM alive until the run has recorded itself, and a normal
 * exit never runs any of this: {@link #close} puts the previous handlers back. If the run has not
 * finished {@code grace} after the signal (stuck outside Spark), the JVM exits with 1; a second
 * signal exits at once. Either way the lease then expires and the next run records the run as
 * abandoned.
 */
public final class StopSignal implements AutoCloseable {
  private final Duration grace;
  private final Consumer<String> out;
  private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
  private final Map<Integer, String> stepJobs = new ConcurrentHashMap<>();
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile String cause;
  private volatile SparkContext context;
  private volatile String currentGroup;
  private volatile String stoppedGroup;
  private SparkListener listener;
  private volatile RunLease lease;

  private StopSignal(Duration grace, Consumer<String> out) {
    this.grace = grace;
    this.out = out;
  }

  /** A stop that only {@link #request} raises: no signal handling (tests, embedding). */
  public static StopSignal none() {
    return new StopSignal(Duration.ZERO, line -> {});
  }

  /** Handles SIGTERM and SIGINT until closed; {@code out} gets one line when a signal arrives. */
  public static StopSignal onSignals(Duration grace, Consumer<String> out) {
    StopSignal stop = new StopSignal(grace, out);
    for (String name : List.of("TERM", "INT")) {
      try {
        Signal signal = new Signal(name);
        stop.previous.put(signal, Signal.handle(signal, s -> stop.onSignal("SIG" + s.getName())));
      } catch (IllegalArgumentException e) {
        // Unknown here, or reserved (java -Xrs): the JVM's default handling stays.
      }
    }
    return stop;
  }

  private void onSignal(String name) {
    if (cause != null) {
      out.accept("lakemill: " + name + " again: exiting now");
      Runtime.getRuntime().exit(1);
      return;
    }
    out.accept("lakemill: " + name + " received: stopping the run after failing its current step");
    request(name);
    try {
      if (!finished.await(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        out.accept("lakemill: the run did not stop within " + grace.toSeconds() + "s of " + name + "; exiting");
        Runtime.getRuntime().exit(1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Asks the run to stop; {@code cause} completes "stopped by ...", e.g. {@code SIGTERM}. Later requests are ignored. */
  public void request(String cause) {
    synchronized (this) {
      if (this.cause != null) {
        return;
      }
      this.stoppedGroup = currentGroup;
      this.cause = cause;
    }
    SparkContext sc = context;
    if (sc != null) {
      stepJobs.forEach((job, group) -> {
        if (cancels(group)) {
          sc.cancelJob(job, "lakemill run stopped by " + cause);
        }
      });
    }
  }

  /** Once stopped: true for jobs of the step that was running (or of any step, if none had started a job). */
  private boolean cancels(String group) {
    return cause != null && (stoppedGroup == null || stoppedGroup.equals(group));
  }

  public boolean requested() {
    return cause != null;
  }

  /** What stopped the run, or null. */
  public String cause() {
    return cause;
  }

  /** Fences the run's commits with {@code lease}: {@link #beforeCommit} then checks that the run still holds it. */
  public StopSignal fencedBy(RunLease lease) {
    this.lease = lease;
    return this;
  }

  /**
   * Right before step {@code step} commits to {@code target} (a table location): fails, and so fails
   * the step with nothing committed, when the run has lost its lease to another run (fencing).
   * Without a lease (tests, embedding) it checks nothing.
   */
  public void beforeCommit(String step, String target) {
    RunLease fence = lease;
    if (fence != null) {
      fence.confirm(step, target);
    }
  }

  /** Tracks the Spark jobs of steps in {@code sc}, to cancel them once a stop is requested. */
  public void attach(SparkContext sc) {
    context = sc;
    listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart job) {
        String group = job.properties() == null ? null : job.properties().getProperty("spark.jobGroup.id");
        if (group != null && group.startsWith(JobGroups.PREFIX)) {
          currentGroup = group;
          stepJobs.put(job.jobId(), group);
          if (cancels(group)) {
            sc.cancelJob(job.jobId(), "lakemill run stopped by " + cause);
          }
        }
      }

      @Override
      public void onJobEnd(SparkListenerJobEnd job) {
        stepJobs.remove(job.jobId());
      }
    };
    sc.addSparkListener(listener);
  }

  /** {@code record}, or, for a step that failed once the stop was requested, the same saying what stopped it. */
  public StepRecord explain(StepRecord r) {
    String c = cause;
    if (c == null || r.status() != StepStatus.FAILED) {
      return r;
    }
    return r.withError("Step '" + r.step() + "' stopped by " + c + " before it finished");
  }

  /** The run's error when the stop came between steps. */
  public String stoppedBefore(String step) {
    return "Stopped by " + cause + " before step '" + step + "'";
  }

  /** Puts the previous signal handlers back and lets a waiting signal handler return. */
  @Override
  public void close() {
    previous.forEach(Signal::handle);
    SparkContext sc = context;
    if (sc != null && listener != null) {
      sc.removeSparkListener(listener);
    }
    finished.countDown();
  }
}
