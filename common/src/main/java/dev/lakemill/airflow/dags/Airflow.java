package dev.lakemill.airflow.dags;

/** The Airflow major version a DAG file is written for. */
public enum Airflow {
  /** Airflow 2.4 and later: {@code from airflow import DAG}; {@code ds} is in every run's context. */
  V2("2", "from airflow import DAG", "{{ ds }}"),
  /**
   * Airflow 3: {@code from airflow.sdk import DAG}. A run triggered without a logical date has no
   * {@code ds}, so the run date falls back to the run's {@code run_after}.
   */
  V3("3", "from airflow.sdk import DAG", "{{ (dag_run.logical_date or dag_run.run_after).strftime('%Y-%m-%d') }}");

  private final String major;
  private final String dagImport;
  private final String runDate;

  Airflow(String major, String dagImport, String runDate) {
    this.major = major;
    this.dagImport = dagImport;
    this.runDate = runDate;
  }

  /** @throws dev.lakemill.error.LakemillException for anything but {@code 2} or {@code 3} */
  public static Airflow parse(String major) {
    for (Airflow a : values()) {
      if (a.major.equals(major)) {
        return a;
      }
    }
    throw DagErrors.unknownAirflow(major);
  }

  public String major() {
    return major;
  }

  /** The import line of the DAG class. */
  public String dagImport() {
    return dagImport;
  }

  /** A Jinja template for the run's date as {@code yyyy-MM-dd}: the logical date of a scheduled run. */
  public String runDateTemplate() {
    return runDate;
  }
}
