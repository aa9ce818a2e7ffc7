package dev.lakemill.error;

/**
 * The root of every user-facing lakemill exception. Its {@link Kind} says what went wrong and
 * chooses the command line's exit code; its message says what, where, and how to fix it, and is
 * printed as it is, without a stack trace. Only classes named {@code *Errors} build these
 * (ErrorPolicyTest checks it). An exception of any other type reaching the command line is a
 * lakemill bug ({@link Kind#INTERNAL}).
 */
public class LakemillException extends RuntimeException {
  /** What went wrong, with the command line's exit code for it. */
  public enum Kind {
    /** A run or a step failed (also: another run holds the lease, an Airflow run failed). */
    RUN_FAILED(1),
    /** The pipeline file, its params, the environment config or the command line is invalid. */
    INVALID_INPUT(2),
    /** The ledger, the registry or a lakehouse table is damaged or inconsistent. */
    DAMAGED_STATE(3),
    /** An external service (Airflow) could not be reached or did not answer in time. */
    EXTERNAL_SERVICE(4),
    /** A bug in lakemill (sysexits EX_SOFTWARE): any exception that is not a LakemillException. */
    INTERNAL(70);

    private final int exitCode;

    Kind(int exitCode) {
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }

  private final Kind kind;

  public LakemillException(Kind kind, String message) {
    this(kind, message, null);
  }

  public LakemillException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = java.util.Objects.requireNonNull(kind, "kind");
  }

  public Kind kind() {
    return kind;
  }

  public int exitCode() {
    return kind.exitCode();
  }
}
