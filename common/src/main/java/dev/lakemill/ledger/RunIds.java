package dev.lakemill.ledger;

import dev.lakemill.error.PipelineErrors;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Run ids: generated as {@code 20261126T213302Z-1a2b3c}, or given by the caller (Airflow's run_id). */
public final class RunIds {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.:+-]{1,250}");
  private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
  private static final SecureRandom RANDOM = new SecureRandom();

  private RunIds() {}

  public static String generate() {
    byte[] bytes = new byte[3];
    RANDOM.nextBytes(bytes);
    return ZonedDateTime.now(ZoneOffset.UTC).format(FORMAT) + "-" + HexFormat.of().formatHex(bytes);
  }

  /** @throws dev.lakemill.error.LakemillException for ids with characters outside {@code [A-Za-z0-9_.:+-]} */
  public static String check(String runId) {
    if (!VALID.matcher(runId).matches()) {
      throw PipelineErrors.badRunId(runId);
    }
    return runId;
  }
}
