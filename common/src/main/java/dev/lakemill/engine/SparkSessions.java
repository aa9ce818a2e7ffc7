package dev.lakemill.engine;

import dev.lakemill.engine.step.SqlStepRunner;
import dev.lakemill.settings.Environment;
import java.net.InetAddress;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * Builds the SparkSession a run uses: Delta enabled, UI off locally, Spark logs at WARN. Settings that
 * spark-submit already set (its {@code --master}, {@code --executor-memory}, {@code --conf}; they arrive
 * as {@code spark.*} system properties) win over the environment conf: the command line is the later,
 * more specific word.
 *
 * <p>A command stops only a session it started ({@link #stop}): when the JVM already has a session (a
 * test class's, a notebook's), the command uses it and leaves it running.
 */
public final class SparkSessions {
  private static final Set<SparkSession> STARTED = Collections.synchronizedSet(
      Collections.newSetFromMap(new IdentityHashMap<>()));

  private static final AtomicInteger REQUESTS = new AtomicInteger();

  private SparkSessions() {}

  /**
   * How many times this JVM asked for a session ({@link #create}): what shows that a
   * metadata command (history, models, plan, a run with nothing to do) needed no Spark.
   */
  public static int requests() {
    return REQUESTS.get();
  }

  public static SparkSession create(Environment env, String appName) {
    return create(env, appName, false);
  }

  /**
   * @param ui keep Spark's web UI on also for a local master ({@code lakemill run --ui}); the
   *     environment's {@code spark.ui.enabled} still wins
   */
  public static SparkSession create(Environment env, String appName, boolean ui) {
    REQUESTS.incrementAndGet();
    return started(builder(env, appName, ui));
  }

  private static SparkSession.Builder builder(Environment env, String appName, boolean ui) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName)
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    if (!env.sparkMaster().isEmpty() && System.getProperty("spark.master") == null) {
      builder.master(env.sparkMaster());
      if (env.sparkMaster().startsWith("local")) {
        builder.config("spark.ui.enabled", String.valueOf(ui))
            .config("spark.driver.host", InetAddress.getLoopbackAddress().getHostAddress());
      }
    }
    env.sparkConf().forEach((key, value) -> {
      if (System.getProperty(key) == null) {
        builder.config(key, value);
      }
    });
    // Pipeline SQL never expands ${env:NAME}: params are bound values (SqlStepRunner sets it again).
    builder.config(SqlStepRunner.VARIABLE_SUBSTITUTE, "false")
        .config(SqlStepRunner.MARKERS_BOUND_BY_ANALYZER, "true");
    return builder;
  }

  /**
   * Starts a session on another thread if {@code certain} says (on that thread) that the command will need one: a
   * run whose steps will run whatever the ledger says (every step forced, or a lakehouse without a ledger), so that
   * Spark starts while the pipeline file is still being checked instead of after it. See {@link Early}.
   */
  public static Early startEarly(BooleanSupplier certain, Environment env, String appName,
      boolean ui) {
    CompletableFuture<Boolean> decided = CompletableFuture.supplyAsync(() -> {
      boolean start = certain.getAsBoolean();
      if (start) {
        REQUESTS.incrementAndGet();
      }
      return start;
    });
    return new Early(decided, decided.thenApplyAsync(start -> start ? started(builder(env, appName, ui)) : null));
  }

  /** A session started by {@link #startEarly}, or none when it was not certain to be needed. */
  public static final class Early {
    private final CompletableFuture<Boolean> decided;
    private final CompletableFuture<SparkSession> session;

    private Early(CompletableFuture<Boolean> decided,
        CompletableFuture<SparkSession> session) {
      this.decided = decided;
      this.session = session;
    }

    /**
     * Waits for the start: the session, or null when none was started (start one with {@link #create}); what
     * starting it threw is thrown here, as {@link #create} would have thrown it.
     */
    public SparkSession get() {
      try {
        return session.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }

    /**
     * The command ends without using the session (the file was invalid, the lease busy, nothing to run): stops it
     * once started, without waiting for that. Waits only for the decision whether to start one (a listing), so that
     * {@link #requests} counts it before the command returns.
     */
    public void discard() {
      try {
        decided.join();
      } catch (CompletionException e) {
        // Nothing was started; the run itself reports what cannot be read.
      }
      session.thenAccept(s -> {
        if (s != null) {
          stop(s);
        }
      });
    }
  }

  /** Stops {@code spark} if {@link #create} started it, and leaves it running otherwise. */
  public static void stop(SparkSession spark) {
    if (STARTED.remove(spark)) {
      spark.stop();
    }
  }

  private static SparkSession started(SparkSession.Builder builder) {
    Option<SparkSession> active = SparkSession.getActiveSession();
    Option<SparkSession> before = active.isDefined() ? active : SparkSession.getDefaultSession();
    SparkSession spark = builder.getOrCreate();
    if (before.isEmpty() || spark != before.get()) {
      STARTED.add(spark);
      spark.sparkContext().setLogLevel("WARN");
    }
    return spark;
  }
}
