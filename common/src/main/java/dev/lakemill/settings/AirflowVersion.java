package dev.lakemill.settings;

/** The Airflow major versions the client speaks to, and what differs between their REST APIs. */
public enum AirflowVersion {
  /** Airflow 2: stable REST API {@code /api/v1}, HTTP basic auth, problem+json errors. */
  AIRFLOW_2(2, "/api/v1", "/api/v1/health", 100),
  /** Airflow 3: public REST API {@code /api/v2}, JWT from {@code POST /auth/token}, {@code {"detail"}} errors. */
  AIRFLOW_3(3, "/api/v2", "/api/v2/monitor/health", 50);

  private final int major;
  private final String apiBase;
  private final String healthPath;
  private final int pageSize;

  AirflowVersion(int major, String apiBase, String healthPath, int pageSize) {
    this.major = major;
    this.apiBase = apiBase;
    this.healthPath = healthPath;
    this.pageSize = pageSize;
  }

  /** @throws IllegalArgumentException for anything but 2 or 3 */
  public static AirflowVersion of(int major) {
    for (AirflowVersion v : values()) {
      if (v.major == major) {
        return v;
      }
    }
    throw new IllegalArgumentException("Cannot use Airflow version " + major + ": use 2 (REST API /api/v1) or 3 (/api/v2)");
  }

  public int major() {
    return major;
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
