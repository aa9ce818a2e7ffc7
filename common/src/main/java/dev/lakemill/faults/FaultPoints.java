package dev.lakemill.faults;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF0;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Named fault points in the write path, where a run can be made to pause so that it can be killed or
 * stopped at a chosen moment (the run-safety tests use them). Every point is a no-op unless the system
 * property {@value #PROPERTY} names it; then the run prints {@code lakemill-fault:
 * paused at <point>} on stdout and waits until a line arrives on stdin (or the process dies, or the
 * step's Spark job is cancelled). Points:
 * <ul>
 *   <li>{@code write:<schema.table>}: inside the Spark job writing that table, after
 *       {@value #ROWS_BEFORE_PAUSE} rows went through (with {@code spark.sql.files.maxRecordsPerFile}
 *       below that, some data files are complete on disk but not committed);
 *   <li>{@code committed:<step>}: after the step finished (its commit made), before the ledger;
 *   <li>{@code register:<model>}: in a train step, artifacts saved, before the registry commit;
 *   <li>{@code commit:<table location>}: in a step, right before the lease check that precedes each
 *       Delta commit of the step's output or quarantine table;
 *   <li>{@code lease:stat:<pipeline>}, {@code lease:observed:<pipeline>}, {@code lease:judged:<pipeline>},
 *       {@code lease:release:<pipeline>}, {@code lease:beat:<pipeline>}: in {@code safety.RunLease},
 *       between reading a lease file's status and its bytes, after each look of a waiter at a lease
 *       it does not hold, after a waiter judged a lease expired and before it claims it, when a
 *       holder starts releasing its lease, and before each heartbeat.
 * </ul>
 *
 * <p>In-process form: {@link #arm} runs an action in the thread that reaches a point, instead of
 * pausing it, until the returned handle is closed. It lets a caller that embeds lakemill (threads of
 * one JVM) force an interleaving without a child process; unarmed points cost one map lookup.
 */
public final class FaultPoints {
  public static final String PROPERTY = "lakemill.fault.pauseAt";
  static final long ROWS_BEFORE_PAUSE = 120;
  private static final AtomicLong ROWS = new AtomicLong();
  private static final Map<String, Runnable> ARMED = new ConcurrentHashMap<>();

  /** An action armed at a point; closing it disarms the point. */
  public interface Armed extends AutoCloseable {
    @Override
    void close();
  }

  private FaultPoints() {}

  /** Pauses the calling thread when {@code point} is the one asked for. */
  public static void at(String point) {
    Runnable action = ARMED.get(point);
    if (action != null) {
      action.run();
    }
    if (point.equals(System.getProperty(PROPERTY))) {
      pause(point);
    }
  }

  /**
   * Runs {@code action} in every thread that reaches {@code point} until the handle is closed (the
   * action decides, e.g. by thread, what to do). One action per point.
   *
   * @throws IllegalStateException when the point is armed already
   */
  public static Armed arm(String point, Runnable action) {
    if (ARMED.putIfAbsent(point, action) != null) {
      throw new IllegalStateException("Fault point " + point + " is armed already");
    }
    return () -> ARMED.remove(point, action);
  }

  /** {@code data}, unchanged, or, when {@code write:<table>} is asked for, pausing inside its write. */
  public static Dataset<Row> duringWrite(String table, Dataset<Row> data) {
    String point = "write:" + table;
    if (!point.equals(System.getProperty(PROPERTY))) {
      return data;
    }
    UserDefinedFunction pass = functions.udf((UDF0<Boolean>) () -> {
      if (ROWS.incrementAndGet() == ROWS_BEFORE_PAUSE) {
        pause(point);
      }
      return true;
    }, DataTypes.BooleanType).asNondeterministic();
    return data.where(pass.apply());
  }

  private static void pause(String point) {
    System.out.println("lakemill-fault: paused at " + point);
    System.out.flush();
    try {
      while (System.in.available() == 0) {
        Thread.sleep(50);
        TaskContext task = TaskContext.get();
        if (task != null) {
          task.killTaskIfInterrupted();
        }
      }
      while (System.in.available() > 0 && System.in.read() != '\n') {
        // consume the line that resumed us
      }
    } catch (IOException e) {
      throw new IllegalStateException("Fault point " + point + ": cannot read stdin", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Fault point " + point + " interrupted", e);
    }
  }
}
