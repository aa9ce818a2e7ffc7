package dev.lakemill.airflow.rest;

/**
 * The URIs lakemill gives Airflow assets (datasets on Airflow 2): {@code lakemill://table/<schema.table>}
 * for a Delta table of the lakehouse and {@code lakemill://model/<model>@<alias>} for a model alias. A
 * task that writes the table or moves the alias declares the URI as an outlet; a DAG scheduled on
 * updates lists the same URIs; {@code lakemill models promote|rollback} posts an event for the alias.
 */
public final class AssetUris {
  /** The scheme of every lakemill asset URI. */
  public static final String SCHEME = "lakemill";

  private AssetUris() {}

  /** {@code lakemill://table/silver.customers}. */
  public static String table(String table) {
    return SCHEME + "://table/" + table;
  }

  /** {@code lakemill://model/churn@champion}. */
  public static String modelAlias(String model, String alias) {
    return SCHEME + "://model/" + model + "@" + alias;
  }
}
