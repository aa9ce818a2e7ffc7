package dev.lakemill.airflow.rest;

import dev.lakemill.error.LakemillException;

/**
 * A call to Airflow failed, or a run did not end well. The {@link Failure} tells callers what happened:
 * Airflow unreachable or not answering in time is {@link LakemillException.Kind#EXTERNAL_SERVICE} (exit
 * code 4), a backfill asked of Airflow 2 {@link LakemillException.Kind#INVALID_INPUT} (exit code 2), every
 * other failure {@link LakemillException.Kind#RUN_FAILED} (exit code 1). The message says
 * what, where (method, path, status) and how to fix it. Messages are built in {@link AirflowErrors} and
 * never contain credentials.
 */
public final class AirflowException extends LakemillException {
  /** What went wrong. */
  public enum Failure {
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
    /** No asset (dataset on Airflow 2) has the URI an event was posted for. */
    UNKNOWN_ASSET,
    /** The Airflow version's API cannot create backfills (Airflow 2). */
    NO_BACKFILL,
    /** The thread was interrupted while waiting. */
    INTERRUPTED
  }

  private final Failure failure;
  private final int status;

  AirflowException(Failure failure, int status, String message, Throwable cause) {
    super(failure == Failure.UNREACHABLE || failure == Failure.TIMEOUT ? Kind.EXTERNAL_SERVICE
        : failure == Failure.NO_BACKFILL ? Kind.INVALID_INPUT : Kind.RUN_FAILED, message, cause);
    this.failure = failure;
    this.status = status;
  }

  AirflowException(Failure failure, String message) {
    this(failure, 0, message, null);
  }

  public Failure failure() {
    return failure;
  }

  /** The HTTP status for {@link Kind#HTTP}, else 0. */
  public int status() {
    return status;
  }

  /** True when Airflow could not be reached or did not answer in time, even after retries. */
  public boolean unreachable() {
    return kind() == Kind.EXTERNAL_SERVICE;
  }
}
