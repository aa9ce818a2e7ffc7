package dev.lakemill.safety;

import dev.lakemill.settings.LeaseSettings;
import java.time.Duration;
import java.time.Instant;
import org.apache.hadoop.fs.Path;

/** The user-facing messages of run leases. */
final class LeaseErrors {
  private LeaseErrors() {}

  static RunLeaseException busy(LeaseHolder holder, Path lease, Instant now) {
    return new RunLeaseException("Pipeline '" + holder.pipeline() + "' is already running: " + holder.describe()
        + ", started " + holder.started() + ", last heartbeat " + ago(holder, now) + ", holds " + lease
        + ". Run again with --wait (or lease.on-busy = wait) to wait for it to finish; if that process is gone,"
        + " its lease expires at " + holder.expiresAt() + " and the next run records it as abandoned");
  }

  static RunLeaseException waitedTooLong(LeaseHolder holder, Path lease, Duration waited) {
    return new RunLeaseException("Gave up after waiting " + LeaseSettings.text(waited) + " (lease.wait-timeout) for "
        + holder.describe() + " to finish; it still holds " + lease + ". Raise lease.wait-timeout or run later");
  }

  static RunLeaseException stoppedWhileWaiting(String cause, LeaseHolder holder, Path lease) {
    return new RunLeaseException("Stopped by " + cause + " while waiting for "
        + (holder == null ? "the lease " + lease : holder.describe() + " to finish") + "; nothing ran");
  }

  /** Fencing: the run lost its lease before a step's commit; the step fails and commits nothing. */
  static RunLeaseException lostBeforeCommit(LeaseHolder self, String step, String target, Path lease,
      LeaseHolder other) {
    return new RunLeaseException("Run " + self.runId() + " no longer holds its lease " + lease
        + (other == null ? " (the file was removed)" : ": " + other.describe() + " took it over")
        + ", so step '" + step + "' did not commit to " + target + " and nothing more of this run is written."
        + " The lease is taken over only after its heartbeat stopped for its ttl (" + self.ttlMillis()
        + "ms): if this process was paused that long, raise lease.ttl; rerun with --resume once the other run"
        + " has finished");
  }

  static RunLeaseException cannotUse(Path lease, Exception e) {
    return new RunLeaseException("Cannot use the run lease " + lease + ": " + e.getMessage()
        + ". Check that the lakehouse root is writable", e);
  }

  static RunLeaseException interrupted(InterruptedException e) {
    return new RunLeaseException("Interrupted while waiting for a run lease", e);
  }

  static String lost(Path lease, LeaseHolder other) {
    return "losing its lease " + lease + (other == null ? " (the file was removed)" : " to " + other.describe());
  }

  private static String ago(LeaseHolder holder, Instant now) {
    return Math.max(0, Duration.between(holder.heartbeat(), now).toSeconds()) + "s ago";
  }
}
