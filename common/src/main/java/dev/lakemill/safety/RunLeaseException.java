package dev.lakemill.safety;

import dev.lakemill.error.LakemillException;

/**
 * A run could not take its pipeline's lease: another run holds it, or waiting for it ended
 * ({@link Kind#RUN_FAILED}: nothing ran). Built by {@link LeaseErrors}.
 */
public final class RunLeaseException extends LakemillException {
  RunLeaseException(String message) {
    super(Kind.RUN_FAILED, message);
  }

  RunLeaseException(String message, Throwable cause) {
    super(Kind.RUN_FAILED, message, cause);
  }
}
