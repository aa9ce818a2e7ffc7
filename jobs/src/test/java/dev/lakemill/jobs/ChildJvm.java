package dev.lakemill.jobs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A JVM started from a test with the test's class path and the Spark add-opens flags: stdout kept
 * line by line (so a test can wait for a marker), stderr in a file, stdin open (to resume a
 * {@code lakemill.fault.pauseAt} pause), with the test JVM's {@code spark.*} settings. Short-lived, so it runs with the client compiler and the
 * serial collector, which halve the CPU a run takes to start Spark and plan its queries.
 */
final class ChildJvm implements AutoCloseable {
  /** A guard against hangs only; no test asserts on durations. */
  private static final long PATIENCE_SECONDS = 1200;
  /**
   * JVM flags for the short-lived JVMs tests start (these children, LocalClusterIT's driver and executors):
   * the client compiler alone, and no bytecode verification of classpath classes (CONTRIBUTING.md).
   */
  static final List<String> SHORT_LIVED = List.of("-XX:TieredStopAtLevel=1", "-XX:+UnlockDiagnosticVMOptions",
      "-XX:-BytecodeVerificationRemote");

  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final Path stderr;
  private final Thread reader;

  private ChildJvm(Process process, Path stderr) {
    this.process = process;
    this.stderr = stderr;
    this.reader = new Thread(this::readStdout, "child-" + process.pid() + "-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** {@code java <add-opens> -Xmx1g ... <properties> -cp <test class path> <main> <args>}, in {@code dir}. */
  static ChildJvm start(Path dir, List<String> properties, String main, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(addOpens());
    command.add("-Xmx1g");
    command.addAll(SHORT_LIVED);
    command.add("-XX:+UseSerialGC");
    command.addAll(sparkSettings());
    command.addAll(properties);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main));
    command.addAll(args);
    try {
      Path err = Files.createTempFile(dir, "child", ".stderr");
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(err.toFile()).start();
      return new ChildJvm(p, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The test JVM's {@code spark.*} system properties (the pom's test settings), which Spark reads as defaults. */
  private static List<String> sparkSettings() {
    return System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("spark."))
        .sorted().map(k -> "-D" + k + "=" + System.getProperty(k)).toList();
  }

  /** The JVM flags Spark needs on Java 17, as scripts/java-opts lists them for the launchers. */
  private static List<String> addOpens() {
    try (Stream<String> lines = Files.lines(Path.of("../scripts/java-opts"))) {
      return lines.map(String::strip).filter(l -> l.startsWith("-")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long pid() {
    return process.pid();
  }

  private void readStdout() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        synchronized (lines) {
          lines.add(line);
          lines.notifyAll();
        }
      }
    } catch (IOException e) {
      // the process died: what it printed is kept
    }
  }

  /** Waits for a stdout line matching {@code test} and returns it; fails if the process exits first. */
  String awaitLine(Predicate<String> test) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
    synchronized (lines) {
      for (int seen = 0; ; ) {
        for (; seen < lines.size(); seen++) {
          if (test.test(lines.get(seen))) {
            return lines.get(seen);
          }
        }
        if (!process.isAlive() && !reader.isAlive()) {
          throw new AssertionError("The child exited (" + process.exitValue() + ") before printing the line"
              + " expected:\n" + output());
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("No line expected after " + PATIENCE_SECONDS + "s:\n" + output());
        }
        lines.wait(200);
      }
    }
  }

  String awaitLineStartingWith(String prefix) throws InterruptedException {
    return awaitLine(l -> l.startsWith(prefix));
  }

  /** Ends a {@code lakemill.fault.pauseAt} pause. */
  void resume() throws IOException {
    OutputStream in = process.getOutputStream();
    in.write('\n');
    in.flush();
  }

  /** SIGKILL, as the OOM killer or a lost node does. */
  int kill() throws InterruptedException {
    process.toHandle().destroyForcibly();
    return await();
  }

  /**
   * SIGTERM, as Airflow's task timeout does. Through the process handle: {@link Process#destroy}
   * also closes our end of the child's stdout, losing what it prints while it stops.
   */
  int terminate() throws InterruptedException {
    process.toHandle().destroy();
    return await();
  }

  /** Waits for the exit code. */
  int await() throws InterruptedException {
    if (!process.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("The child did not finish in " + PATIENCE_SECONDS + "s:\n" + output());
    }
    reader.join(TimeUnit.SECONDS.toMillis(PATIENCE_SECONDS));
    return process.exitValue();
  }

  String stdout() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  String stderr() {
    try {
      return Files.readString(stderr);
    } catch (IOException e) {
      return "(stderr unreadable: " + e + ")";
    }
  }

  /** stdout and stderr, for failure messages. */
  String output() {
    return "--- stdout\n" + stdout() + "\n--- stderr\n" + stderr();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
