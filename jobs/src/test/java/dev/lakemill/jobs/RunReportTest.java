package dev.lakemill.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakemill.delta.InputVersion;
import dev.lakemill.engine.RunListener.SparkProgress;
import dev.lakemill.ledger.StepOutput;
import dev.lakemill.ledger.StepRecord;
import dev.lakemill.ledger.StepStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The progress lines of {@code lakemill run} (no Spark: the listener calls are made by hand): plain
 * lines without control characters for logs, heartbeats redrawn in place on a terminal.
 */
class RunReportTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  private static String print(boolean terminal) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RunReport report = new RunReport(new PrintStream(bytes, true, StandardCharsets.UTF_8), terminal);
    var plan = dev.lakemill.check.Checks.compiler().compile(Path.of(CliTest.CHURN_PREP), Map.of(),
        dev.lakemill.settings.Environment.local("/lake"));
    report.stepStarted(plan.step("prepare").orElseThrow(), List.of(new InputVersion("customers", "", -1),
        new InputVersion("plans", "/data/plans", 3)), 1, 2);
    report.heartbeat("prepare", 5_000, new SparkProgress(0, 1, 3, 8));
    report.heartbeat("prepare", 10_000, new SparkProgress(1, 2, 9, 10));
    report.warning("step prepare: something to know");
    report.stepFinished(StepRecord.builder("r", "churn-prep", "prepare", 1, StepStatus.SUCCEEDED).started(T0)
        .ended(T0.plusMillis(12_300)).output(new StepOutput.Table("silver.customers"), 4).rows(10, 9, 1).build(), 1, 2);
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void logsGetPlainLinesWithoutControlCharacters() {
    String out = print(false);

    assertThat(out).isEqualTo("""
        [1/2] prepare        started   reads customers, plans@v3
              prepare: running 5.0s, Spark stages 0/1, tasks 3/8
              prepare: running 10.0s, Spark stages 1/2, tasks 9/10
          warning: step prepare: something to know
        [1/2] prepare        succeeded   12.3s  rows in 10, out 9, quarantined 1 -> silver.customers@v4
        """);
    assertThat(out.chars().filter(c -> c < 0x20 && c != '\n')).isEmpty();
  }

  @Test
  void aTerminalGetsHeartbeatsRedrawnInPlace() {
    String out = print(true);

    String erase = RunReport.ERASE_LINE;
    assertThat(out).isEqualTo("[1/2] prepare        started   reads customers, plans@v3\n"
        + erase + "      prepare: running 5.0s, Spark stages 0/1, tasks 3/8"
        + erase + "      prepare: running 10.0s, Spark stages 1/2, tasks 9/10"
        + erase + "  warning: step prepare: something to know\n"
        + "[1/2] prepare        succeeded   12.3s  rows in 10, out 9, quarantined 1 -> silver.customers@v4\n");
  }

  @Test
  void theProfileIsATableOfPhasesWithTheirShare() {
    String table = RunReport.profileTable(List.of(new dev.lakemill.engine.RunResult.Phase("Spark start", 750),
        new dev.lakemill.engine.RunResult.Phase("ledger write", 250)));

    assertThat(table).isEqualTo("""

        profile (wall clock)
        phase                ms  share
        Spark start         750    75%
        ledger write        250    25%
        total              1000
        """);
  }
}
