package dev.lakemill.safety;

import dev.lakemill.faults.FaultPoints;
import dev.lakemill.settings.LeaseSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
 * different files and never wait for each other). The file holds the run's token and description;
 * its modification time is the heartbeat.
 *
 * <p>Expiry, judged by the waiter alone: a lease has expired when a waiter has seen the same file
 * (same token, same bytes, same modification time) for the holder's ttl, measured on the waiter's
 * monotonic clock. The holder's clock only writes values that change; they are compared with each
 * other, never with the waiter's clock, so clock skew between hosts cannot make a live lease look
 * expired. (A heartbeat that looks older than the ttl by the waiter's clock only makes a waiter
 * that would fail at once look a little longer, up to one ttl.)
 *
 * <p>Claims: a lease file is removed (taken over, or released by its holder) only by the one process
 * that first gave it the name {@code <pipeline>.lease.expired-<its token>} (a hard link, which fails
 * when the name exists), read that name back and found the token and heartbeat it judged, and then
 * found the lease name still linked to the same file. A token names one lease file and a file never
 * changes its token, so while one process holds that claim no other can remove the lease file, nor
 * can the lease name be linked to another file (it is only ever created with a link that fails if
 * it exists); so "still the same file" stays true until the claimer's own unlink. A waiter whose
 * claim names another file (the lease changed since it looked) removes only its claim. A taken
 * over lease's claim stays as its tombstone, the to-do list of abandoned runs ({@link #abandoned()},
 * {@link #markRecorded}); a holder releasing its lease first writes the tombstone's
 * {@code .recorded} marker, so that a takeover racing with its release never records it as
 * abandoned. A claim left by a process killed between its link and its unlink is broken by a waiter
 * that has seen it stay for another ttl, under a second claim ({@code .stuck}) so that two such
 * waiters never both act. Elsewhere than on the local filesystem a claim is a rename (see
 * docs/RUNS.md for what holds there).
 *
 * <p>Holding it: a daemon thread sets the file's modification time every heartbeat. Before each
 * heartbeat it checks that the file still carries this lease's token; if not (a pause longer than
 * the ttl let another run take over), it reports the loss to {@link #onLost} and stops. Before each
 * Delta commit of a step the run asks {@link #confirm} (fencing).
 */
public final class RunLease implements AutoCloseable {
  /** The lease files' folder under the ledger folder. */
  public static final String FOLDER = "leases";
  private static final String TOMBSTONE = ".lease.expired-";
  private static final String RECORDED = ".recorded";
  private static final String STUCK = ".stuck";

  private final LeaseFiles files;
  private final Path dir;
  private final Path path;
  private final Clock clock;
  private volatile LeaseHolder self;
  private final Consumer<String> out;
  private final ScheduledExecutorService heartbeat;
  private volatile Consumer<String> onLost = reason -> {};
  private volatile String lost;
  private volatile long lastBeat;
  private long lastWritten;

  private RunLease(LeaseFiles files, Path path, LeaseHolder self, Duration every, Clock clock, long written,
      Consumer<String> out) {
    this.files = files;
    this.dir = path.getParent();
    this.path = path;
    this.self = self;
    this.clock = clock;
    this.out = out;
    this.lastBeat = System.nanoTime();
    this.lastWritten = written;
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
    return acquire(ledgerLocation, self, settings, conf, stopped, out, Clock.systemUTC());
  }

  /** As above, with the heartbeats written from {@code clock} (this host's wall clock). */
  static RunLease acquire(String ledgerLocation, LeaseHolder self, LeaseSettings settings, Configuration conf,
      Supplier<String> stopped, Consumer<String> out, Clock clock) {
    Path path = location(ledgerLocation, self.pipeline());
    LeaseFiles files = null;
    try {
      files = new LeaseFiles(path.getParent(), conf);
      take(files, path, self, settings, stopped, out, clock);
      long now = clock.millis();
      files.touch(path, now);
      return new RunLease(files, path, self.withHeartbeat(Instant.ofEpochMilli(now)), settings.heartbeat(), clock,
          now, out);
    } catch (IOException e) {
      closeQuietly(files);
      throw LeaseErrors.cannotUse(path, e);
    } catch (RuntimeException e) {
      closeQuietly(files);
      throw e;
    }
  }

  /** One look at a lease file: what a live holder changes at least once per ttl. */
  private record Seen(String token, long modified, int bytes) {
    static Seen of(LeaseFiles.Stored stored, Optional<LeaseHolder> holder) {
      return new Seen(holder.map(LeaseHolder::token).orElse("unreadable-" + Integer.toHexString(
          Arrays.hashCode(stored.content())) + "-" + stored.modified()), stored.modified(),
          Arrays.hashCode(stored.content()));
    }
  }

  /** How a waiter watches one lease: since when it has looked the same, and whether it ever changed. */
  private static final class Watch {
    private Seen seen;
    private long since;
    private boolean changed;
    private long claimedSince = -1;

    /** Records a look; returns how long (ms, this process's monotonic clock) the lease has looked like this. */
    long observe(Seen now) {
      long t = System.nanoTime();
      if (!now.equals(seen)) {
        changed |= seen != null;
        seen = now;
        since = t;
        claimedSince = -1;
      }
      return (t - since) / 1_000_000;
    }

    /** Records that the lease, unchanged, is claimed by another process; returns for how long (ms). */
    long claimed() {
      long t = System.nanoTime();
      if (claimedSince < 0) {
        claimedSince = t;
      }
      return (t - claimedSince) / 1_000_000;
    }
  }

  private static void take(LeaseFiles files, Path path, LeaseHolder self, LeaseSettings settings,
      Supplier<String> stopped, Consumer<String> out, Clock clock) throws IOException {
    long start = System.nanoTime();
    long poll = Math.max(50, Math.min(1000, settings.heartbeat().toMillis() / 5));
    byte[] content = self.toJson();
    String pipeline = self.pipeline();
    String announced = null;
    Watch watch = new Watch();
    while (!files.createNew(path, content)) {
      Optional<LeaseFiles.Stored> stored = files.read(path);
      if (stored.isEmpty()) {
        continue;
      }
      Optional<LeaseHolder> holder = LeaseHolder.fromJson(stored.get().content(), stored.get().modified());
      Seen seen = Seen.of(stored.get(), holder);
      long ttl = holder.map(LeaseHolder::ttlMillis).filter(t -> t > 0).orElse(settings.ttl().toMillis());
      long unchanged = watch.observe(seen);
      FaultPoints.at("lease:observed:" + pipeline);
      if (unchanged >= ttl) {
        FaultPoints.at("lease:judged:" + pipeline);
        Claim claim = takeOver(files, path, seen);
        if (claim == Claim.TAKEN) {
          continue;
        }
        if (claim == Claim.HELD_BY_ANOTHER && watch.claimed() >= ttl) {
          breakStuck(files, path, seen);
        }
      } else if (holder.isPresent() && (watch.changed || !holder.get().expired(clock.instant()))) {
        announced = checkWaiting(holder.get(), path, settings, start, stopped, announced, out);
      } else if (stopped.get() != null) {
        // Looks expired (or unreadable): watched for up to one ttl, even when not waiting for live runs.
        throw LeaseErrors.stoppedWhileWaiting(stopped.get(), holder.orElse(null), path);
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
    if (System.nanoTime() - start > settings.waitTimeout().toNanos()) {
      throw LeaseErrors.waitedTooLong(holder, path, settings.waitTimeout());
    }
    String cause = stopped.get();
    if (cause != null) {
      throw LeaseErrors.stoppedWhileWaiting(cause, holder, path);
    }
    if (!holder.token().equals(announced)) {
      out.accept("waiting for " + holder.describe() + " to finish");
    }
    return holder.token();
  }

  /** What a takeover attempt found. */
  private enum Claim { TAKEN, CHANGED, HELD_BY_ANOTHER }

  private static Path tombstone(Path lease, String token) {
    return new Path(lease.getParent(), lease.getName().replace(".lease", TOMBSTONE) + token);
  }

  /**
   * Claims the lease file judged expired and removes it from the lease name, if it is still the file
   * {@code judged} describes; see the class comment for why no other process can remove or replace
   * the lease file meanwhile.
   */
  private static Claim takeOver(LeaseFiles files, Path path, Seen judged) throws IOException {
    Path claim = tombstone(path, judged.token());
    if (!files.claim(path, claim)) {
      return files.sameFile(path, claim) ? Claim.HELD_BY_ANOTHER : Claim.CHANGED;
    }
    Optional<LeaseFiles.Stored> got = files.read(claim);
    boolean same = got.isPresent() && Seen.of(got.get(), LeaseHolder.fromJson(got.get().content(),
        got.get().modified())).equals(judged);
    if (files.linksClaims()) {
      if (!same) {
        files.delete(claim);
        return Claim.CHANGED;
      }
      if (files.sameFile(path, claim)) {
        files.delete(path);
      }
      return Claim.TAKEN;
    }
    if (!same && !files.renameBack(claim, path)) {
      // A live lease was moved and a third run created one meanwhile: its holder finds out at its next
      // heartbeat or commit check (fencing) and commits nothing more. Only where claims are renames.
      return Claim.CHANGED;
    }
    return same ? Claim.TAKEN : Claim.CHANGED;
  }

  /**
   * The lease file judged expired has been claimed by another process for a whole ttl without being
   * removed: that process died between its link and its unlink (on the local filesystem). Removes
   * the lease name under a second claim, so that of several waiters only one does.
   */
  private static void breakStuck(LeaseFiles files, Path path, Seen judged) throws IOException {
    Path claim = tombstone(path, judged.token());
    Path second = new Path(claim.getParent(), claim.getName() + STUCK);
    if (!files.claim(path, second)) {
      return;
    }
    try {
      if (files.sameFile(path, claim) && files.sameFile(path, second)) {
        files.delete(path);
      }
    } finally {
      files.delete(second);
    }
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
      files.rewrite(path, updated.toJson());
      touch();
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

  /**
   * Fencing: checks, by reading the lease file again, that this run still holds its lease, right
   * before the step {@code step} commits to {@code target}.
   *
   * @throws RunLeaseException saying so when another run has taken the lease over
   */
  public void confirm(String step, String target) {
    Optional<LeaseHolder> now;
    try {
      now = files.read(path).flatMap(s -> LeaseHolder.fromJson(s.content(), s.modified()));
    } catch (IOException e) {
      throw LeaseErrors.cannotUse(path, e);
    }
    if (lost != null || now.isEmpty() || !now.get().token().equals(self.token())) {
      throw LeaseErrors.lostBeforeCommit(self, step, target, path, now.filter(h -> !h.token().equals(self.token()))
          .orElse(null));
    }
  }

  /** Runs of this pipeline whose expired leases were taken over and are not yet recorded, oldest first. */
  public List<LeaseHolder> abandoned() {
    try {
      List<LeaseHolder> out = new ArrayList<>();
      String prefix = self.pipeline() + TOMBSTONE;
      for (Path p : files.list(dir, prefix)) {
        if (p.getName().endsWith(RECORDED) || p.getName().endsWith(STUCK) || files.exists(recordedMarker(p))) {
          continue;
        }
        String named = p.getName().substring(prefix.length());
        // A claim that names another lease than its own token (a waiter killed while backing off) is no tombstone.
        files.read(p).flatMap(s -> LeaseHolder.fromJson(s.content(), s.modified()))
            .filter(h -> h.token().equals(named)).ifPresent(out::add);
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

  /** One heartbeat; package-private so that a caller driving an interleaving can beat at a chosen moment. */
  void beat() {
    FaultPoints.at("lease:beat:" + self.pipeline());
    try {
      Optional<LeaseHolder> now = files.read(path).flatMap(s -> LeaseHolder.fromJson(s.content(), s.modified()));
      if (now.isEmpty() || !now.get().token().equals(self.token())) {
        lose(LeaseErrors.lost(path, now.orElse(null)));
        return;
      }
      touch();
      lastBeat = System.nanoTime();
    } catch (IOException | RuntimeException e) {
      if (System.nanoTime() - lastBeat > self.ttlMillis() * 1_000_000) {
        lose("failing to refresh its lease " + path + " for longer than its ttl (" + e.getMessage() + ")");
      }
    }
  }

  /** Sets the heartbeat to this host's time, or just after the last one: every heartbeat changes it. */
  private synchronized void touch() throws IOException {
    long at = Math.max(clock.millis(), lastWritten + 1);
    files.touch(path, at);
    lastWritten = at;
  }

  private void lose(String cause) {
    if (lost != null) {
      return;
    }
    lost = cause;
    heartbeat.shutdown();
    onLost.accept(cause);
  }

  /** Stops the heartbeat and releases the lease, unless another run has taken it over. */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      heartbeat.awaitTermination(5, TimeUnit.SECONDS);
      if (lost == null) {
        release();
      }
    } catch (IOException e) {
      out.accept("warning: cannot release the lease " + path + " (" + e.getMessage() + "); it expires "
          + Duration.ofMillis(self.ttlMillis()).toSeconds() + "s after its last heartbeat");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(files);
    }
  }

  /**
   * Removes the lease file under its claim, as a takeover does, after marking the claim recorded: a
   * run that judged this lease expired and holds the claim finishes its takeover instead, and
   * records nothing for this run, which wrote its own ledger rows.
   */
  private void release() throws IOException {
    FaultPoints.at("lease:release:" + self.pipeline());
    Path claim = tombstone(path, self.token());
    Path marker = recordedMarker(claim);
    files.createNew(marker, new byte[0]);
    if (!files.claim(path, claim)) {
      return;
    }
    Optional<LeaseFiles.Stored> got = files.read(claim);
    boolean ours = got.flatMap(s -> LeaseHolder.fromJson(s.content(), s.modified()))
        .filter(h -> h.token().equals(self.token())).isPresent();
    if (files.linksClaims()) {
      if (ours && files.sameFile(path, claim)) {
        files.delete(path);
      }
      files.delete(claim);
    } else if (ours) {
      files.delete(claim);
    } else {
      files.renameBack(claim, path);
    }
    files.delete(marker);
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
