package dev.lakemill.engine;

import dev.lakemill.engine.step.RunErrors;
import dev.lakemill.safety.JobGroups;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Heartbeats of the running step: while a step runs longer than the heartbeat period, every period
 * its elapsed time and Spark progress (stages and tasks of its job group, done of submitted) go to
 * {@link RunListener#heartbeat}. The period is the system property {@value #PERIOD_PROPERTY}
 * ({@code 5s} by default, {@code 500ms}, {@code 2m}; {@code off} for none). Spark's counts come from a
 * {@link SparkListener} on the session's context, registered for the run and removed after it.
 */
public final class StepProgress extends SparkListener implements AutoCloseable {
  static final String PERIOD_PROPERTY = "lakemill.progress.heartbeat";
  static final Duration DEFAULT_PERIOD = Duration.ofSeconds(5);
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m)");

  private final SparkContext context;
  private final RunListener listener;
  private final Duration period;
  private final ScheduledExecutorService clock;
  private final Set<Integer> stages = new HashSet<>();
  private String group;
  private String step;
  private long startedNanos;
  private int stagesDone;
  private int tasksTotal;
  private int tasksDone;
  private ScheduledFuture<?> beating;

  private StepProgress(SparkContext context, RunListener listener, Duration period) {
    this.context = context;
    this.listener = listener;
    this.period = period;
    this.clock = period == null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lakemill-progress");
      t.setDaemon(true);
      return t;
    });
    if (period != null) {
      context.addSparkListener(this);
    }
  }

  /** Heartbeats to {@code listener} at the period of {@value #PERIOD_PROPERTY}. */
  static StepProgress start(SparkContext context, RunListener listener) {
    return new StepProgress(context, listener, configuredPeriod());
  }

  /**
   * The heartbeat period that {@value #PERIOD_PROPERTY} sets, null for none; an unreadable value is an
   * {@code INVALID_INPUT} error (the CLI checks it before Spark starts).
   */
  public static Duration configuredPeriod() {
    return period(System.getProperty(PERIOD_PROPERTY));
  }

  /** The heartbeat period {@code text} names ({@code 5s}, {@code 500ms}, {@code 2m}), null for {@code off}, the default for null. */
  static Duration period(String text) {
    if (text == null || text.isBlank()) {
      return DEFAULT_PERIOD;
    }
    if (text.strip().equalsIgnoreCase("off")) {
      return null;
    }
    Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw RunErrors.badHeartbeat(PERIOD_PROPERTY, text);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      default -> Duration.ofMinutes(n);
    };
  }

  /** Step {@code step} of {@code pipeline} starts: its job group is watched, a heartbeat comes every period. */
  synchronized void started(String pipeline, String step) {
    finished();
    if (clock == null) {
      return;
    }
    this.group = JobGroups.groupId(pipeline, step);
    this.step = step;
    this.startedNanos = System.nanoTime();
    stages.clear();
    stagesDone = 0;
    tasksTotal = 0;
    tasksDone = 0;
    long millis = period.toMillis();
    beating = clock.scheduleAtFixedRate(this::beat, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** The running step ended: no more heartbeats for it. */
  synchronized void finished() {
    if (beating != null) {
      beating.cancel(false);
      beating = null;
    }
    group = null;
  }

  private void beat() {
    RunListener.SparkProgress progress;
    String name;
    long elapsed;
    synchronized (this) {
      if (group == null) {
        return;
      }
      name = step;
      elapsed = (System.nanoTime() - startedNanos) / 1_000_000;
      progress = new RunListener.SparkProgress(stagesDone, stages.size(), tasksDone, tasksTotal);
    }
    listener.heartbeat(name, elapsed, progress);
  }

  @Override
  public synchronized void onStageSubmitted(SparkListenerStageSubmitted event) {
    Properties properties = event.properties();
    if (group != null && properties != null && group.equals(properties.getProperty("spark.jobGroup.id"))
        && stages.add(event.stageInfo().stageId())) {
      tasksTotal += event.stageInfo().numTasks();
    }
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd event) {
    if (stages.contains(event.stageId()) && event.taskInfo() != null && event.taskInfo().successful()) {
      tasksDone++;
    }
  }

  @Override
  public synchronized void onStageCompleted(SparkListenerStageCompleted event) {
    if (stages.contains(event.stageInfo().stageId()) && event.stageInfo().failureReason().isEmpty()) {
      stagesDone++;
    }
  }

  @Override
  public void close() {
    finished();
    if (clock != null) {
      clock.shutdownNow();
      context.removeSparkListener(this);
    }
  }
}
