package dev.lakemill.settings;

import java.util.Map;

/**
 * Where and how pipelines run, from {@code conf/application.conf} plus an {@code --env} overlay.
 * Pipeline files never hold these values.
 *
 * @param name the overlay name ({@code local}, {@code cluster}, ...)
 * @param lakehouseRoot folder or filesystem URI under which {@code schema.table} lives as
 *     {@code <root>/schema/table}, and the run ledger as {@code <root>/_lakemill/}
 * @param sparkMaster Spark master URL, e.g. {@code local[*]}; empty to leave it to spark-submit
 * @param sparkConf extra Spark settings applied to the session
 * @param dags how generated Airflow DAGs submit lakemill ({@code lakemill.dags})
 * @param lease how runs of one pipeline exclude each other ({@code lakemill.lease})
 */
public record Environment(String name, String lakehouseRoot, String sparkMaster, Map<String, String> sparkConf,
    DagSettings dags, LeaseSettings lease) {
  public Environment {
    sparkConf = Map.copyOf(sparkConf);
    dags = dags == null ? DagSettings.DEFAULTS : dags;
    lease = lease == null ? LeaseSettings.DEFAULTS : lease;
  }

  /** An environment with the default DAG and lease settings. */
  public Environment(String name, String lakehouseRoot, String sparkMaster, Map<String, String> sparkConf) {
    this(name, lakehouseRoot, sparkMaster, sparkConf, DagSettings.DEFAULTS, LeaseSettings.DEFAULTS);
  }

  /** A local environment writing under {@code lakehouseRoot}, for tests and embedding. */
  public static Environment local(String lakehouseRoot) {
    return new Environment("local", lakehouseRoot, "local[*]", Map.of());
  }

  /**
   * The session time zone Spark would use ({@code spark.sql.session.timeZone}, else the JVM's): how a run reads
   * a {@code timestamp-as-of} without an offset before (or without) starting Spark.
   */
  public java.time.ZoneId sessionTimeZone() {
    String zone = sparkConf.get("spark.sql.session.timeZone");
    return zone == null || zone.isBlank() ? java.time.ZoneId.systemDefault() : java.time.ZoneId.of(zone.strip());
  }

  public Environment withLakehouseRoot(String root) {
    return new Environment(name, root, sparkMaster, sparkConf, dags, lease);
  }
}
