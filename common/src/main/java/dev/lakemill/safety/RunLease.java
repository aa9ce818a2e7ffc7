package dev.lakemill.safety;

import dev.lakemill.settings.LeaseSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The lease one run of a pipeline holds while it runs: {@code <ledger>/leases/<pipeline>.lease}, so
 * that two runs of the same pipeline never interleave their writes (different pipelines have
 * different files and never wait for each other).
 *
 * <p>Taking it: create the file if absent (atomic). When it exists and its holder's heartbeat is
 * older than the holder's ttl, the holder is gone: rename the file to the tombstone
 * {@code <pipeline>.lease.expired-<its token>}, then create it again. The rename only succeeds when
 * the tombstone does not exist yet, and a token names one lease, so of several waiters that saw the
 * same expired lease exactly one moves it; the others' renames fail and they look again. A waiter
 * that, having seen the expired lease, is too slow finds either no file (moved) or the tombstone
 * taken. The mover reads the tombstone back and, should it ever hold another token (tombstones
 * deleted by hand), renames it back. Tombstones stay until the next holder records their runs as
 * abandoned ({@link #abandoned()}, {@link #markRecorded}), and then as a small marker. On the local
 * filesystem the rename is a link then an unlink; a lease left behind by a mover that died between
 * the two is removed once it has stayed linked to its tombstone for 2 seconds.
 *
 * <p>Holding it: a daemon thread sets the file's modification time every heartbeat. Before each
 * heartbeat it checks that the file still carries this lease's token; if not (a pause longer than
 * the ttl let another run take over), it reports the loss to {@link #onLost} and stops.
 */
public final class RunLease implements AutoCloseable {
  /** The lease files' folder under the ledger folder. */
  public static final String FOLDER = "leases";
  private static final String TOMBSTONE = ".lease.expired-";
  private static final String RECORDED = ".recorded";

  private final LeaseFiles files;
  private final Path dir;
  private final Path path;
  private volatile LeaseHolder self;
  private final Consumer<String> out;
  private final ScheduledExecutorService heartbeat;
  private volatile Consumer<String> onLost = reason -> {};
  private volatile String lost;
  private volatile long lastBeat;

  private RunLease(LeaseFiles files, Path dir, Path path, LeaseHolder self, Duration every, Consumer<String> out) {
    this.files = files;
    this.dir = dir;
    this.path = path;
    this.self = self;
    this.out = out;
    this.lastBeat = System.currentTimeMillis();
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lakemill-lease-heartbeat");
      t.setDaemon(true);
      return t;
    });
    heartbeat.scheduleWithFixedDelay(this::beat, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** {@code <ledger>/leases/<pipeline>.lease}. */
  public static Path location(String ledgerLocation, String pipeline) {
    return new Path(new Path(ledgerLocation, FOLDER), pipeline + ".lease");
  }

  /**
   * Takes the lease of {@code self.pipeline()}, waiting for a live holder or failing at once as
   * {@code settings.onBusy()} says.
   *
   * @param self the run taking it (its heartbeat field is ignored)
   * @param stopped a stop request's cause (e.g. {@code SIGTERM}) while waiting, or null
   * @param out one line when the run starts waiting, naming the holder
   * @throws RunLeaseException when busy and not waiting, when waiting timed out or was stopped
   */
  public static RunLease acquire(String ledgerLocation, LeaseHolder self, LeaseSettings settings, Configuration conf,
      Supplier<String> stopped, Consumer<String> out) {
    Path path = location(ledgerLocation, self.pipeline());
    LeaseFiles files = null;
    try {
      files = new LeaseFiles(path.getParent(), conf);
      take(files, path, self, settings, stopped, out);
      long now = System.currentTimeMillis();
      files.touch(path, now);
      return new RunLease(files, path.getParent(), path, self.withHeartbeat(Instant.ofEpochMilli(now)),
          settings.heartbeat(), out);
    } catch (IOException e) {
      closeQuietly(files);
      throw LeaseErrors.cannotUse(path, e);
    } catch (RuntimeException e) {
      closeQuietly(files);
      throw e;
    }
  }

  private static void take(LeaseFiles files, Path path, LeaseHolder self, LeaseSettings settings,
      Supplier<String> stopped, Consumer<String> out) throws IOException {
    long start = System.currentTimeMillis();
    long poll = Math.max(50, Math.min(1000, settings.heartbeat().toMillis() / 5));
    byte[] content = self.toJson();
    String announced = null;
    Stuck stuck = null;
    while (!files.createNew(path, content)) {
      Optional<LeaseFiles.Stored> stored = files.read(path);
      if (stored.isEmpty()) {
        continue;
      }
      Optional<LeaseHolder> holder = LeaseHolder.fromJson(stored.get().content(), stored.get().modified());
      Instant now = Instant.now();
      boolean expired = holder.map(h -> h.expired(now))
          .orElse(now.toEpochMilli() - stored.get().modified() > settings.ttl().toMillis());
      if (expired) {
        String token = holder.map(LeaseHolder::token).orElse("unreadable-" + stored.get().modified());
        if (!takeOver(files, path, token)) {
          stuck = removeIfStuck(files, path, token, stuck);
          sleep(poll);
        }
        continue;
      }
      if (holder.isPresent()) {
        announced = checkWaiting(holder.get(), path, settings, start, stopped, announced, out);
      }
      sleep(poll);
    }
  }

  /**
   * Fails when this run does not wait, waited too long or was stopped; else announces a new holder.
   *
   * @return the token of the holder announced
   */
  private static String checkWaiting(LeaseHolder holder, Path path, LeaseSettings settings, long start,
      Supplier<String> stopped, String announced, Consumer<String> out) {
    if (settings.onBusy() == LeaseSettings.OnBusy.FAIL) {
      throw LeaseErrors.busy(holder, path, Instant.now());
    }
    if (System.currentTimeMillis() - start > settings.waitTimeout().toMillis()) {
      throw LeaseErrors.waitedTooLong(holder, path, settings.waitTimeout());
    }
    String cause = stopped.get();
    if (cause != null) {
      throw LeaseErrors.stoppedWhileWaiting(cause, holder);
    }
    if (!holder.token().equals(announced)) {
      out.accept("waiting for " + holder.describe() + " to finish");
    }
    return holder.token();
  }

  /**
   * Moves an expired lease to its tombstone; see the class comment for why this is race-free.
   * Returns whether this call moved it.
   */
  private static boolean takeOver(LeaseFiles files, Path path, String expiredToken) throws IOException {
    Path tombstone = new Path(path.getParent(), path.getName().replace(".lease", TOMBSTONE) + expiredToken);
    if (!files.renameIfAbsent(path, tombstone)) {
      return false;
    }
    if (!expiredToken.equals(token(files.read(tombstone)))) {
      files.renameIfAbsent(tombstone, path);
      return false;
    }
    return true;
  }

  /** An expired lease seen still linked to its tombstone, and since when. */
  private record Stuck(String token, long since) {}

  /** How long a lease must stay linked to its tombstone before it counts as stuck. */
  private static final long STUCK_MILLIS = 2_000;

  /**
   * An expired lease whose tombstone exists was taken over, yet is still there: on the local
   * filesystem a mover links the tombstone, then unlinks the lease, and may have died in between.
   * Seen so (the lease and its tombstone one file) for {@link #STUCK_MILLIS} (a live mover takes
   * microseconds, or a few scheduler slices on a loaded machine), the lease is removed. Elsewhere
   * the move is one rename and this never happens.
   *
   * @return what to compare at the next poll
   */
  private static Stuck removeIfStuck(LeaseFiles files, Path path, String token, Stuck seen) throws IOException {
    Path tombstone = new Path(path.getParent(), path.getName().replace(".lease", TOMBSTONE) + token);
    if (!files.sameFile(path, tombstone) || !token.equals(token(files.read(path)))) {
      return null;
    }
    long now = System.currentTimeMillis();
    if (seen == null || !seen.token().equals(token)) {
      return new Stuck(token, now);
    }
    if (now - seen.since() >= STUCK_MILLIS) {
      files.delete(path);
      return null;
    }
    return seen;
  }

  private static String token(Optional<LeaseFiles.Stored> stored) {
    return stored.map(s -> LeaseHolder.fromJson(s.content(), s.modified()).map(LeaseHolder::token)
        .orElse("unreadable-" + s.modified())).orElse(null);
  }

  public LeaseHolder holder() {
    return self;
  }

  /**
   * Rewrites what the lease says about its run, keeping its token: for a run that learns its run id
   * and steps only after taking the lease ({@code run --resume} reads them from the ledger).
   */
  public void describe(String runId, List<LeaseHolder.LeasedStep> steps) {
    LeaseHolder updated = new LeaseHolder(self.token(), runId, self.pipeline(), self.host(), self.pid(),
        self.started(), self.ttlMillis(), self.pipelineFile(), self.params(), steps, self.lakemillVersion(),
        self.heartbeat());
    try {
      files.replace(path, updated.toJson());
      files.touch(path, System.currentTimeMillis());
    } catch (IOException e) {
      throw LeaseErrors.cannotUse(path, e);
    }
    self = updated;
  }

  public Path path() {
    return path;
  }

  /** Called once, from the heartbeat thread, with the cause (e.g. "losing its lease ... to run R") if the lease is lost. */
  public void onLost(Consumer<String> callback) {
    this.onLost = callback;
    if (lost != null) {
      callback.accept(lost);
    }
  }

  /** Runs of this pipeline whose expired leases were taken over and are not yet recorded, oldest first. */
  public List<LeaseHolder> abandoned() {
    try {
      List<LeaseHolder> out = new ArrayList<>();
      String prefix = self.pipeline() + TOMBSTONE;
      for (Path p : files.list(dir, prefix)) {
        if (p.getName().endsWith(RECORDED) || files.exists(recordedMarker(p))) {
          continue;
        }
        files.read(p).flatMap(s -> LeaseHolder.fromJson(s.content(), s.modified())).ifPresent(out::add);
      }
      out.sort(java.util.Comparator.comparing(LeaseHolder::started));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the leases in " + dir, e);
    }
  }

  /** Marks an abandoned run as recorded in the ledger; its tombstone stays (see the class comment). */
  public void markRecorded(LeaseHolder abandoned) {
    Path marker = recordedMarker(new Path(dir, abandoned.pipeline() + TOMBSTONE + abandoned.token()));
    try {
      files.createNew(marker, new byte[0]);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + marker, e);
    }
  }

  private static Path recordedMarker(Path tombstone) {
    return new Path(tombstone.getParent(), tombstone.getName() + RECORDED);
  }

  private void beat() {
    try {
      Optional<LeaseHolder> now = files.read(path).flatMap(s -> LeaseHolder.fromJson(s.content(), s.modified()));
      if (now.isEmpty() || !now.get().token().equals(self.token())) {
        lose(LeaseErrors.lost(path, now.orElse(null)));
        return;
      }
      long at = System.currentTimeMillis();
      files.touch(path, at);
      lastBeat = at;
    } catch (IOException | RuntimeException e) {
      if (System.currentTimeMillis() - lastBeat > self.ttlMillis()) {
        lose("failing to refresh its lease " + path + " for longer than its ttl (" + e.getMessage() + ")");
      }
    }
  }

  private void lose(String cause) {
    lost = cause;
    heartbeat.shutdown();
    onLost.accept(cause);
  }

  /** Stops the heartbeat and deletes the lease file, unless another run has taken it over. */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      heartbeat.awaitTermination(5, TimeUnit.SECONDS);
      if (lost == null) {
        Optional<LeaseHolder> now = files.read(path).flatMap(s -> LeaseHolder.fromJson(s.content(), s.modified()));
        if (now.isPresent() && now.get().token().equals(self.token())) {
          files.delete(path);
        }
      }
    } catch (IOException e) {
      out.accept("warning: cannot release the lease " + path + " (" + e.getMessage() + "); it expires at "
          + Instant.ofEpochMilli(lastBeat + self.ttlMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(files);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw LeaseErrors.interrupted(e);
    }
  }

  private static void closeQuietly(LeaseFiles files) {
    if (files != null) {
      try {
        files.close();
      } catch (IOException e) {
        // nothing left to release
      }
    }
  }
}
