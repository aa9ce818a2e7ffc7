package dev.lakemill.ledger;

import dev.lakemill.error.PipelineErrors;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/** Run ids: generated as {@code 20261126T213302Z-1a2b3c}, or given by the caller (Airflow's run_id). */
public final class RunIds {
  private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
  private static final SecureRandom RANDOM = new SecureRandom();

  private RunIds() {}

  public static String generate() {
    byte[] bytes = new byte[3];
    RANDOM.nextBytes(bytes);
    return ZonedDateTime.now(ZoneOffset.UTC).format(FORMAT) + "-" + HexFormat.of().formatHex(bytes);
  }

  /** @throws dev.lakemill.error.LakemillException for ids that break {@link dev.lakemill.error.RunIdRule} */
  public static String check(String runId) {
    if (!dev.lakemill.error.RunIdRule.valid(runId)) {
      throw PipelineErrors.badRunId(runId);
    }
    return runId;
  }
}
