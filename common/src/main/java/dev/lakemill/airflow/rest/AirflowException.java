package dev.lakemill.airflow.rest;

/**
 * A call to Airflow failed, or a run did not end well. The {@link Kind} tells callers (the CLI's exit
 * codes) what happened; the message says what, where (method, path, status) and how to fix it. Messages
 * are built in {@link AirflowErrors} and never contain credentials.
 */
public final class AirflowException extends RuntimeException {
  /** What went wrong. */
  public enum Kind {
    /** No connection to the server, after every retry. */
    UNREACHABLE,
    /** The server took longer than the request timeout, after every retry. */
    TIMEOUT,
    /** The server answered with an error status ({@link #status()}). */
    HTTP,
    /** The server answered with a body the client cannot read. */
    BAD_RESPONSE,
    /** The DAG is paused and the caller did not ask to unpause it. */
    DAG_PAUSED,
    /** A run with the requested run id exists with a different conf. */
    RUN_CONFLICT,
    /** The run finished in state failed. */
    RUN_FAILED,
    /** The run did not finish within the wait timeout. */
    WAIT_TIMEOUT,
    /** The thread was interrupted while waiting. */
    INTERRUPTED
  }

  private final Kind kind;
  private final int status;

  AirflowException(Kind kind, int status, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.status = status;
  }

  AirflowException(Kind kind, String message) {
    this(kind, 0, message, null);
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status for {@link Kind#HTTP}, else 0. */
  public int status() {
    return status;
  }

  /** True when Airflow could not be reached or did not answer in time, even after retries. */
  public boolean unreachable() {
    return kind == Kind.UNREACHABLE || kind == Kind.TIMEOUT;
  }
}
