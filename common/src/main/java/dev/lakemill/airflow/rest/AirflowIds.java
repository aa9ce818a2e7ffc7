package dev.lakemill.airflow.rest;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/** DAG ids from pipeline names, and the run ids lakemill gives the runs it triggers. */
public final class AirflowIds {
  /** Prefix of generated run ids. */
  public static final String RUN_ID_PREFIX = "lakemill__";

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  private AirflowIds() {}

  /** The DAG id of a pipeline: every character outside {@code [A-Za-z0-9_.-]} becomes {@code _}. */
  public static String dagId(String pipelineName) {
    return pipelineName.replaceAll("[^A-Za-z0-9_.-]", "_");
  }

  /**
   * A new manual run id such as {@code lakemill__20261126T213302Z_1a2b3c4d}: unique without relying on the
   * logical date, valid on Airflow 2 and 3, and accepted as a lakemill run id.
   */
  public static String newRunId(Instant now) {
    byte[] bytes = new byte[4];
    RANDOM.nextBytes(bytes);
    return RUN_ID_PREFIX + STAMP.format(now) + "_" + HexFormat.of().formatHex(bytes);
  }

  /**
   * @throws dev.lakemill.error.LakemillException unless {@code runId} follows {@link dev.lakemill.error.RunIdRule}
   *     (the command line's rule too) and does not start with {@code scheduled__} or {@code backfill__}, which
   *     Airflow keeps for the runs it makes itself
   */
  public static String checkRunId(String runId) {
    if (!dev.lakemill.error.RunIdRule.valid(runId) || runId.startsWith("scheduled__")
        || runId.startsWith("backfill__")) {
      throw AirflowErrors.badRunId(runId);
    }
    return runId;
  }
}
