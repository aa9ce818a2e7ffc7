package dev.lakemill.settings;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How generated Airflow DAGs submit lakemill: the {@code lakemill.dags { ... }} block of the
 * environment config ({@code conf/application.conf} plus the {@code --env} overlay). Pipeline files
 * never hold these values.
 *
 * @param applicationJar {@code application-jar}: the lakemill-jobs jar as spark-submit on the Airflow
 *     worker sees it (a local path or a URI the cluster can fetch); required to generate DAGs, no default
 * @param pipelinesDir {@code pipelines-dir}: the folder holding the deployed pipeline files, as the
 *     Spark driver sees it; a task runs {@code <pipelines-dir>/<pipeline file name>}; required to
 *     generate DAGs, no default
 * @param env {@code env}: the environment overlay each task passes to {@code lakemill run --env};
 *     default {@code cluster}
 * @param connId {@code conn-id}: the Airflow connection of the Spark cluster; default
 *     {@code spark_default}
 * @param retries {@code retries}: how often Airflow retries a failed step; default 1, at least 0
 * @param retryDelayMinutes {@code retry-delay-minutes}: minutes between retries; default 5, at least 0
 * @param sparkConf {@code spark-conf { ... }}: Spark settings added to the Delta settings every task
 *     submits; a key given here wins over the Delta default
 * @param jars {@code jars}: extra jars for spark-submit {@code --jars} (lakemill's dependencies when the
 *     cluster does not provide them); default none
 * @param packages {@code packages}: Maven coordinates for spark-submit {@code --packages}; default none
 * @param envVars {@code env-vars { ... }}: environment variables of the spark-submit process, e.g.
 *     {@code LAKEMILL_CONF} and {@code LAKEMILL_LAKEHOUSE}; default none
 */
public record DagSettings(
    String applicationJar,
    String pipelinesDir,
    String env,
    String connId,
    int retries,
    int retryDelayMinutes,
    Map<String, String> sparkConf,
    List<String> jars,
    List<String> packages,
    Map<String, String> envVars) {
  /** The keys of the block, for the unknown-key check. */
  public static final Set<String> KEYS = Set.of("application-jar", "pipelines-dir", "env", "conn-id", "retries",
      "retry-delay-minutes", "spark-conf", "jars", "packages", "env-vars");

  /** Every default; no application jar and no pipelines folder. */
  public static final DagSettings DEFAULTS =
      new DagSettings("", "", "cluster", "spark_default", 1, 5, Map.of(), List.of(), List.of(), Map.of());

  public DagSettings {
    applicationJar = applicationJar == null ? "" : applicationJar;
    pipelinesDir = pipelinesDir == null ? "" : pipelinesDir;
    if (env == null || env.isBlank()) {
      throw new IllegalArgumentException("lakemill.dags.env must not be blank");
    }
    if (connId == null || connId.isBlank()) {
      throw new IllegalArgumentException("lakemill.dags.conn-id must not be blank");
    }
    if (retries < 0 || retryDelayMinutes < 0) {
      throw new IllegalArgumentException("lakemill.dags.retries and retry-delay-minutes must be >= 0");
    }
    sparkConf = java.util.Collections.unmodifiableMap(new TreeMap<>(sparkConf));
    jars = List.copyOf(jars);
    packages = List.copyOf(packages);
    envVars = java.util.Collections.unmodifiableMap(new TreeMap<>(envVars));
  }
}
