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
 * @param pipelinesDir {@code pipelines-dir}: the folder holding the deployed pipeline files: with
 *     {@code deploy = shared} as the Spark driver sees it (a local folder or a Hadoop URI), a task runs
 *     {@code <pipelines-dir>/<pipeline file name>}; with {@code deploy = ship} as spark-submit on the
 *     Airflow worker sees it; required to generate DAGs, no default
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
 * @param deploy {@code deploy}: how the driver gets the pipeline file: {@code shared} (default) runs
 *     {@code <pipelines-dir>/<file name>} where the driver reads it (a local folder or a URI on shared
 *     storage); {@code ship} hands the pipeline file, its includes and the conf files to spark-submit
 *     ({@code files=}), read from {@code pipelines-dir} and {@code conf-dir} on the Airflow worker, and
 *     runs them by base name from the driver's working directory ({@code --conf .})
 * @param confDir {@code conf-dir}: the conf folder: with {@code shared}, what each task passes as
 *     {@code --conf} (a local folder or a URI; default empty: none, the driver's {@code LAKEMILL_CONF} or
 *     {@code ./conf}); with {@code ship}, where the worker reads {@code application.conf} and
 *     {@code <env>.conf} to ship them (required)
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
    Map<String, String> envVars,
    String deploy,
    String confDir) {
  /** The keys of the block, for the unknown-key check. */
  public static final Set<String> KEYS = Set.of("application-jar", "pipelines-dir", "env", "conn-id", "retries",
      "retry-delay-minutes", "spark-conf", "jars", "packages", "env-vars", "deploy", "conf-dir");

  /** {@code deploy = shared}: the pipeline file stays where it is deployed, the DAG names it. */
  public static final String SHARED = "shared";

  /** {@code deploy = ship}: spark-submit ships the pipeline file, its includes and the conf files. */
  public static final String SHIP = "ship";

  /** Every default; no application jar and no pipelines folder. */
  public static final DagSettings DEFAULTS =
      new DagSettings("", "", "cluster", "spark_default", 1, 5, Map.of(), List.of(), List.of(), Map.of(), SHARED, "");

  public DagSettings {
    applicationJar = applicationJar == null ? "" : applicationJar;
    pipelinesDir = pipelinesDir == null ? "" : pipelinesDir;
    deploy = deploy == null ? SHARED : deploy;
    if (!deploy.equals(SHARED) && !deploy.equals(SHIP)) {
      throw new IllegalArgumentException("lakemill.dags.deploy must be shared or ship");
    }
    confDir = confDir == null ? "" : confDir;
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
