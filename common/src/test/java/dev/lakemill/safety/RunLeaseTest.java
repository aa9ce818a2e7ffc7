package dev.lakemill.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakemill.faults.FaultPoints;
import dev.lakemill.settings.LeaseSettings;
import dev.lakemill.settings.LeaseSettings.OnBusy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run leases on the local filesystem, several holders in one JVM (RunSafetyTest uses separate JVMs). */
class RunLeaseTest {
  private static final LeaseSettings FAIL =
      new LeaseSettings(Duration.ofMillis(1500), Duration.ofMillis(100), OnBusy.FAIL, Duration.ofMinutes(1));
  private static final LeaseSettings WAIT = FAIL.withOnBusy(OnBusy.WAIT);

  @TempDir Path dir;

  private String ledger() {
    return dir.resolve("_lakemill").toString();
  }

  private static LeaseHolder holder(String pipeline, String runId) {
    return holder(pipeline, runId, FAIL.ttl());
  }

  private static LeaseHolder holder(String pipeline, String runId, Duration ttl) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return new LeaseHolder(UUID.randomUUID().toString(), runId, pipeline, "h1", 11, now, ttl.toMillis(),
        "p.conf", Map.of("day", "1"), List.of(new LeaseHolder.LeasedStep("a", "silver.a", "/lh/silver/a", "")),
        "0.1.0", now);
  }

  private RunLease acquire(String pipeline, String runId, LeaseSettings settings, List<String> out) {
    return RunLease.acquire(ledger(), holder(pipeline, runId), settings, new Configuration(), () -> null,
        out::add);
  }

  private Path leaseFile(String pipeline) {
    return dir.resolve("_lakemill/leases/" + pipeline + ".lease");
  }

  @Test
  void aSecondRunOfTheSamePipelineFailsAtOnceNamingTheHolder() {
    try (RunLease first = acquire("p", "r1", FAIL, new ArrayList<>())) {
      assertThat(leaseFile("p")).exists();

      assertThatThrownBy(() -> acquire("p", "r2", FAIL, new ArrayList<>()))
          .isInstanceOf(RunLeaseException.class)
          .hasMessageMatching(Pattern.quote("Pipeline 'p' is already running: run r1 (pid 11 on host h1), started "
              + first.holder().started() + ", last heartbeat ") + "\\d+s ago"
              + Pattern.quote(", holds " + first.path() + ". Run again with --wait (or lease.on-busy = wait) to wait"
              + " for it to finish; if that process is gone, its lease expires at ") + "\\S+"
              + Pattern.quote(" and the next run records it as abandoned"));
    }
    assertThat(leaseFile("p")).doesNotExist();
  }

  @Test
  void differentPipelinesDoNotBlockEachOther() {
    try (RunLease p = acquire("p", "r1", FAIL, new ArrayList<>());
        RunLease q = acquire("q", "r2", FAIL, new ArrayList<>())) {
      assertThat(p.holder().runId()).isEqualTo("r1");
      assertThat(q.holder().runId()).isEqualTo("r2");
    }
  }

  @Test
  void aWaiterSaysWhomItWaitsForOnceAndRunsWhenTheHolderFinishes() throws Exception {
    RunLease first = acquire("p", "r1", FAIL, new ArrayList<>());
    List<String> out = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<RunLease> second = CompletableFuture.supplyAsync(() -> acquire("p", "r2", WAIT, out));
    while (out.isEmpty()) {
      Thread.sleep(20);
    }
    assertThat(second).isNotDone();
    first.close();

    try (RunLease taken = second.get(30, TimeUnit.SECONDS)) {
      assertThat(taken.holder().runId()).isEqualTo("r2");
      assertThat(out).containsExactly("waiting for run r1 (pid 11 on host h1) to finish");
      assertThat(taken.abandoned()).isEmpty();
    }
  }

  @Test
  void waitingEndsAtTheTimeoutOrWhenTheRunIsStopped() {
    try (RunLease first = acquire("p", "r1", FAIL, new ArrayList<>())) {
      LeaseSettings brief = new LeaseSettings(WAIT.ttl(), WAIT.heartbeat(), OnBusy.WAIT, Duration.ofMillis(300));

      assertThatThrownBy(() -> acquire("p", "r2", brief, new ArrayList<>()))
          .isInstanceOf(RunLeaseException.class)
          .hasMessage("Gave up after waiting 300ms (lease.wait-timeout) for run r1 (pid 11 on host h1) to finish; it"
              + " still holds " + first.path() + ". Raise lease.wait-timeout or run later");
      assertThatThrownBy(() -> RunLease.acquire(ledger(), holder("p", "r3"), WAIT, new Configuration(),
              () -> "SIGTERM", line -> {}))
          .isInstanceOf(RunLeaseException.class)
          .hasMessage("Stopped by SIGTERM while waiting for run r1 (pid 11 on host h1) to finish; nothing ran");
    }
  }

  @Test
  void anExpiredLeaseIsTakenOverAndItsRunListedAsAbandonedUntilRecorded() throws Exception {
    LeaseHolder dead = plantExpired("p", "r0");
    List<String> out = new ArrayList<>();

    try (RunLease lease = acquire("p", "r1", FAIL, out)) {
      assertThat(out).isEmpty();
      assertThat(lease.abandoned()).singleElement().satisfies(h -> {
        assertThat(h.runId()).isEqualTo("r0");
        assertThat(h.token()).isEqualTo(dead.token());
        assertThat(h.steps()).isEqualTo(dead.steps());
        assertThat(h.params()).isEqualTo(Map.of("day", "1"));
        assertThat(h.heartbeat()).isEqualTo(dead.heartbeat());
      });
      lease.markRecorded(lease.abandoned().get(0));
      assertThat(lease.abandoned()).isEmpty();
    }
    assertThat(tombstones("p")).containsExactly("p.lease.expired-" + dead.token(),
        "p.lease.expired-" + dead.token() + ".recorded");
  }

  @Test
  void racingWaitersTakeOverAnExpiredLeaseExactlyOnceAndNeverHoldItTogether() throws Exception {
    LeaseHolder dead = plantExpired("p", "r0");
    AtomicInteger holding = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<CompletableFuture<String>> runs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String runId = "r" + (i + 1);
      runs.add(CompletableFuture.supplyAsync(() -> {
        awaitQuietly(go);
        try (RunLease lease = acquire("p", runId, WAIT, new ArrayList<>())) {
          most.accumulateAndGet(holding.incrementAndGet(), Math::max);
          sleepQuietly(30);
          holding.decrementAndGet();
          return lease.holder().runId();
        }
      }, pool));
    }
    go.countDown();
    List<String> finished = new ArrayList<>();
    for (CompletableFuture<String> run : runs) {
      finished.add(run.get(60, TimeUnit.SECONDS));
    }
    pool.shutdown();

    assertThat(finished).containsExactlyInAnyOrder("r1", "r2", "r3", "r4", "r5", "r6");
    assertThat(most.get()).isEqualTo(1);
    assertThat(tombstones("p")).containsExactly("p.lease.expired-" + dead.token());
    assertThat(leaseFile("p")).doesNotExist();
  }

  /**
   * The interleaving of the failed racingWaiters run: waiter B reads the expired lease's status (its old
   * heartbeat), then, before B reads its bytes, waiter A takes the lease over and writes its own. B saw
   * A's live lease with the dead one's heartbeat, moved it away and took the lease too.
   */
  @Test
  void aWaiterThatReadsTheLeaseWhileAnotherTakesItOverDoesNotTakeItToo() throws Exception {
    plantExpired("p", "r0");
    Thread waiterB = Thread.currentThread();
    AtomicReference<RunLease> a = new AtomicReference<>();
    Runnable aTakesOver = () -> a.set(CompletableFuture.supplyAsync(() -> acquire("p", "r1", WAIT,
        new ArrayList<>())).join());

    try (FaultPoints.Armed armed = FaultPoints.arm("lease:stat:p", onceIn(waiterB, aTakesOver))) {
      assertThatThrownBy(() -> acquire("p", "r2", FAIL, new ArrayList<>()))
          .isInstanceOf(RunLeaseException.class)
          .hasMessageStartingWith("Pipeline 'p' is already running: run r1 (pid 11 on host h1), started ");
    } finally {
      if (a.get() != null) {
        a.get().close();
      }
    }
    assertThat(a.get().holder().runId()).isEqualTo("r1");
  }

  /**
   * A holder whose clock is 3 hours behind writes heartbeats that look 3 hours old to a waiter; with a
   * 2 hour ttl, judged by the waiter's clock, the waiter would take the live lease. It watches instead,
   * sees the heartbeat change (one beat forced between its first two looks), and finds the lease busy.
   */
  @Test
  void aHolderWhoseClockIsHoursBehindKeepsItsLease() throws Exception {
    LeaseSettings hourly = new LeaseSettings(Duration.ofHours(2), Duration.ofHours(1), OnBusy.FAIL, Duration.ZERO);
    Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofHours(-3));
    try (RunLease holder = RunLease.acquire(ledger(), holder("p", "r1", hourly.ttl()), hourly, new Configuration(),
        () -> null, line -> {}, behind)) {
      Runnable beat = onceIn(Thread.currentThread(), holder::beat);

      try (FaultPoints.Armed armed = FaultPoints.arm("lease:observed:p", beat)) {
        assertThatThrownBy(() -> acquire("p", "r2", FAIL, new ArrayList<>()))
            .isInstanceOf(RunLeaseException.class)
            .hasMessageStartingWith("Pipeline 'p' is already running: run r1 (pid 11 on host h1), started ");
      }
      holder.confirm("a", "/lh/silver/a");
      assertThat(tombstones("p")).isEmpty();
    }
  }

  /**
   * A holder paused past its ttl (its heartbeat stopped) starts releasing its lease; meanwhile a waiter
   * takes it over. The holder must not remove the waiter's lease (then a third run would hold it too),
   * and the run it finished is not recorded as abandoned.
   */
  @Test
  void aHolderReleasingALeaseTakenOverMeanwhileLeavesTheNewHoldersLease() throws Exception {
    LeaseSettings brief = new LeaseSettings(Duration.ofMillis(600), Duration.ofMillis(200), OnBusy.WAIT,
        Duration.ofMinutes(1));
    RunLease first = RunLease.acquire(ledger(), holder("p", "r1", brief.ttl()), brief, new Configuration(),
        () -> null, line -> {});
    CountDownLatch never = new CountDownLatch(1);
    AtomicReference<RunLease> second = new AtomicReference<>();
    Runnable takeOver = () -> second.set(CompletableFuture.supplyAsync(() -> acquire("p", "r2", WAIT,
        new ArrayList<>())).join());

    try (FaultPoints.Armed paused = FaultPoints.arm("lease:beat:p", () -> awaitQuietly(never));
        FaultPoints.Armed releasing = FaultPoints.arm("lease:release:p", onceIn(Thread.currentThread(), takeOver))) {
      first.close();
    }

    try (RunLease taken = second.get()) {
      taken.confirm("a", "/lh/silver/a");
      assertThatThrownBy(() -> acquire("p", "r3", FAIL, new ArrayList<>()))
          .isInstanceOf(RunLeaseException.class)
          .hasMessageStartingWith("Pipeline 'p' is already running: run r2 (pid 11 on host h1), started ");
      assertThat(taken.abandoned()).isEmpty();
    }
  }

  @Test
  void aRunThatLostItsLeaseIsToldSoBeforeItCommits() throws Exception {
    try (RunLease lease = acquire("p", "r1", FAIL, new ArrayList<>())) {
      lease.confirm("a", "/lh/silver/a");
      LeaseHolder other = holder("p", "r2");
      Path replacement = Files.write(dir.resolve("other.lease"), other.toJson());
      Files.move(replacement, leaseFile("p"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);

      assertThatThrownBy(() -> lease.confirm("a", "/lh/silver/a"))
          .isInstanceOf(RunLeaseException.class)
          .hasMessage("Run r1 no longer holds its lease " + lease.path() + ": run r2 (pid 11 on host h1) took it"
              + " over, so step 'a' did not commit to /lh/silver/a and nothing more of this run is written. The lease"
              + " is taken over only after its heartbeat stopped for its ttl (1500ms): if this process was paused"
              + " that long, raise lease.ttl; rerun with --resume once the other run has finished");
      Files.delete(leaseFile("p"));
      assertThatThrownBy(() -> lease.confirm("a", "/lh/silver/a"))
          .hasMessageStartingWith("Run r1 no longer holds its lease " + lease.path() + " (the file was removed), so"
              + " step 'a' did not commit to /lh/silver/a");
    }
  }

  @Test
  void aLeaseLeftLinkedToItsTombstoneByAKilledMoverIsRemovedAndTaken() throws Exception {
    LeaseHolder dead = plantExpired("p", "r0");
    // A mover killed between its link and its unlink: the expired lease and its tombstone are one file.
    Path tombstone = leaseFile("p").resolveSibling("p.lease.expired-" + dead.token());
    Files.createLink(tombstone, leaseFile("p"));
    List<String> out = new ArrayList<>();

    try (RunLease lease = acquire("p", "r1", WAIT, out)) {
      assertThat(lease.holder().runId()).isEqualTo("r1");
      assertThat(Files.isSameFile(leaseFile("p"), tombstone)).isFalse();
      assertThat(lease.abandoned()).extracting(LeaseHolder::runId).containsExactly("r0");
    }
    assertThat(out).isEmpty();
  }

  @Test
  void aResumedRunRewritesWhatItsLeaseSaysAndKeepsHoldingIt() throws Exception {
    List<LeaseHolder.LeasedStep> steps = List.of(new LeaseHolder.LeasedStep("b", "silver.b", "/lh/silver/b", ""));
    List<String> out = new ArrayList<>();
    try (RunLease lease = acquire("p", "new-id", FAIL, out)) {
      String token = lease.holder().token();
      lease.describe("resumed-id", steps);

      LeaseHolder stored = LeaseHolder.fromJson(Files.readAllBytes(leaseFile("p")), 0).orElseThrow();
      assertThat(stored.token()).isEqualTo(token);
      assertThat(stored.runId()).isEqualTo("resumed-id");
      assertThat(stored.steps()).isEqualTo(steps);
      assertThat(lease.holder().runId()).isEqualTo("resumed-id");
      // Heartbeats go on under the same token: a second run still finds the lease busy after a ttl.
      sleepQuietly(FAIL.ttl().toMillis() + 300);
      assertThatThrownBy(() -> acquire("p", "other", FAIL, out)).hasMessageContaining("run resumed-id");
    }
    assertThat(leaseFile("p")).doesNotExist();
  }

  @Test
  void aHolderIsToldWhenAnotherRunTookItsLease() throws Exception {
    AtomicReference<String> cause = new AtomicReference<>();
    CountDownLatch told = new CountDownLatch(1);
    try (RunLease lease = acquire("p", "r1", FAIL, new ArrayList<>())) {
      lease.onLost(c -> {
        cause.set(c);
        told.countDown();
      });
      LeaseHolder other = holder("p", "r2");
      Path replacement = Files.write(dir.resolve("other.lease"), other.toJson());
      Files.move(replacement, leaseFile("p"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);

      assertThat(told.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(cause.get()).isEqualTo("losing its lease " + lease.path() + " to run r2 (pid 11 on host h1)");
    }
    assertThat(leaseFile("p")).exists();
  }

  @Test
  void aLeaseFolderThatCannotBeCreatedSaysSo() throws Exception {
    Files.writeString(dir.resolve("_lakemill"), "a file where the ledger folder should be");

    assertThatThrownBy(() -> acquire("p", "r1", FAIL, new ArrayList<>()))
        .isInstanceOf(RunLeaseException.class)
        .hasMessageStartingWith("Cannot use the run lease " + RunLease.location(ledger(), "p") + ": ")
        .hasMessageEndingWith(". Check that the lakehouse root is writable");
  }

  /** A lease file of a run whose last heartbeat is older than its ttl. */
  private LeaseHolder plantExpired(String pipeline, String runId) throws Exception {
    LeaseHolder dead = holder(pipeline, runId);
    Files.createDirectories(leaseFile(pipeline).getParent());
    Files.write(leaseFile(pipeline), dead.toJson());
    Instant old = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
    Files.setLastModifiedTime(leaseFile(pipeline), java.nio.file.attribute.FileTime.from(old));
    return dead.withHeartbeat(old);
  }

  private List<String> tombstones(String pipeline) throws Exception {
    try (Stream<Path> files = Files.list(leaseFile(pipeline).getParent())) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(pipeline + ".lease.")).sorted()
          .toList();
    }
  }

  /** Runs {@code action} the first time {@code thread} reaches the point; other threads and later visits pass. */
  private static Runnable onceIn(Thread thread, Runnable action) {
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    return () -> {
      if (Thread.currentThread() == thread && done.compareAndSet(false, true)) {
        action.run();
      }
    };
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
