package dev.lakemill.settings;

import java.time.Duration;
import java.util.Locale;

/**
 * How runs of one pipeline exclude each other, from {@code lakemill.lease} in the environment config.
 * A run holds {@code <lakehouse root>/_lakemill/leases/<pipeline>.lease} while it runs and refreshes
 * it every {@code heartbeat}; a lease seen unrefreshed for {@code ttl} belongs to a dead process.
 *
 * @param ttl {@code ttl}: how long a waiter must see a lease unchanged (no heartbeat), on its own
 *     monotonic clock, before it counts as expired (default 30s). Must exceed {@code heartbeat} by
 *     enough to absorb GC pauses; clock skew between hosts does not matter
 * @param heartbeat {@code heartbeat}: how often the holder refreshes its lease (default 5s); at most
 *     half of {@code ttl}
 * @param onBusy {@code on-busy}: what a run does when another run of the same pipeline holds a live
 *     lease: {@code wait} for it (default) or {@code fail} at once; {@code run --wait/--no-wait}
 *     override it
 * @param waitTimeout {@code wait-timeout}: how long {@code wait} waits before giving up (default 1h)
 */
public record LeaseSettings(Duration ttl, Duration heartbeat, OnBusy onBusy, Duration waitTimeout) {
  /** What a run does when its pipeline's lease is held by a live run. */
  public enum OnBusy {
    WAIT,
    FAIL;

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final LeaseSettings DEFAULTS =
      new LeaseSettings(Duration.ofSeconds(30), Duration.ofSeconds(5), OnBusy.WAIT, Duration.ofHours(1));

  public LeaseSettings {
    if (heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException("Cannot use lease.heartbeat " + text(heartbeat) + ": it must be positive");
    }
    if (ttl.compareTo(heartbeat.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException("Cannot use lease.ttl " + text(ttl) + " with lease.heartbeat "
          + text(heartbeat) + ": ttl must be at least twice the heartbeat, or a live run's lease could expire"
          + " between two heartbeats (e.g. ttl = 30s, heartbeat = 5s)");
    }
    if (waitTimeout.isNegative()) {
      throw new IllegalArgumentException("Cannot use lease.wait-timeout " + text(waitTimeout) + ": it must be >= 0");
    }
  }

  public LeaseSettings withOnBusy(OnBusy value) {
    return new LeaseSettings(ttl, heartbeat, value, waitTimeout);
  }

  /** A duration as config files write it: {@code 30s}, {@code 1500ms}. */
  public static String text(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
