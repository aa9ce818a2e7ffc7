package dev.lakemill.safety;

/** A run could not take its pipeline's lease: another run holds it, or waiting for it ended. */
public final class RunLeaseException extends RuntimeException {
  RunLeaseException(String message) {
    super(message);
  }

  RunLeaseException(String message, Throwable cause) {
    super(message, cause);
  }
}
