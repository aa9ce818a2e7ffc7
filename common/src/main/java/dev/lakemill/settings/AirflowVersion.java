package dev.lakemill.settings;

import dev.lakemill.error.PipelineErrors;

/**
 * The Airflow major versions lakemill works with, and what differs between them: for generated DAG
 * files the import of the DAG class and the run-date template, for the REST client the API's paths
 * and page size.
 */
public enum AirflowVersion {
  /**
   * Airflow 2 (2.4 and later): {@code from airflow import DAG}, and {@code ds} is in every run's
   * context; stable REST API {@code /api/v1}, HTTP basic auth, problem+json errors.
   */
  AIRFLOW_2(2, "from airflow import DAG", "ds", "/api/v1", "/api/v1/health", 100),
  /**
   * Airflow 3: {@code from airflow.sdk import DAG}; a run triggered without a logical date has no
   * {@code ds}, so the run date falls back to the run's {@code run_after}. Public REST API
   * {@code /api/v2}, JWT from {@code POST /auth/token}, {@code {"detail"}} errors.
   */
  AIRFLOW_3(3, "from airflow.sdk import DAG", "(dag_run.logical_date or dag_run.run_after).strftime('%Y-%m-%d')",
      "/api/v2", "/api/v2/monitor/health", 50);

  private final int major;
  private final String dagImport;
  private final String runDate;
  private final String apiBase;
  private final String healthPath;
  private final int pageSize;

  AirflowVersion(int major, String dagImport, String runDate, String apiBase, String healthPath, int pageSize) {
    this.major = major;
    this.dagImport = dagImport;
    this.runDate = runDate;
    this.apiBase = apiBase;
    this.healthPath = healthPath;
    this.pageSize = pageSize;
  }

  /**
   * The version {@code lakemill.airflow.version} names.
   *
   * @throws IllegalArgumentException for anything but 2 or 3
   */
  public static AirflowVersion of(int major) {
    for (AirflowVersion v : values()) {
      if (v.major == major) {
        return v;
      }
    }
    throw new IllegalArgumentException("Cannot use Airflow version " + major + ": use 2 (REST API /api/v1) or 3 (/api/v2)");
  }

  /**
   * The version {@code lakemill dags generate --airflow} names.
   *
   * @throws dev.lakemill.error.LakemillException (invalid input) for anything but {@code 2} or {@code 3}
   */
  public static AirflowVersion parse(String major) {
    for (AirflowVersion v : values()) {
      if (String.valueOf(v.major).equals(major)) {
        return v;
      }
    }
    throw PipelineErrors.unknownAirflow(major);
  }

  public int major() {
    return major;
  }

  /** The import line of the DAG class in a generated DAG file. */
  public String dagImport() {
    return dagImport;
  }

  /** A Jinja template for the run's date as {@code yyyy-MM-dd}: the logical date of a scheduled run. */
  public String runDateTemplate() {
    return "{{ " + runDate + " }}";
  }

  /** The Jinja expression inside {@link #runDateTemplate()}. */
  public String runDateExpression() {
    return runDate;
  }

  /** The API's path prefix under the server root, e.g. {@code /api/v2}. */
  public String apiBase() {
    return apiBase;
  }

  /** The health endpoint, which needs no authentication. */
  public String healthPath() {
    return healthPath;
  }

  /** The server's default page size for list endpoints. */
  public int pageSize() {
    return pageSize;
  }
}
