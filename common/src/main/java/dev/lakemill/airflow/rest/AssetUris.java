package dev.lakemill.airflow.rest;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The URIs lakemill gives Airflow assets (datasets on Airflow 2), one scheme for the DAG generator and
 * the REST client: {@code lakemill://<env>/table/<schema.table>} for a Delta table of an environment's
 * lakehouse and {@code lakemill://<env>/model/<model>@<alias>} for a model alias, where {@code <env>} is
 * the lakemill environment ({@code --env}, percent-encoded beyond letters, digits, {@code .}, {@code _}
 * and {@code -}). A task that writes the table or moves the alias declares the URI as an outlet; a DAG
 * scheduled on updates lists the same URIs; {@code lakemill models promote|rollback} posts an event for
 * the alias.
 */
public final class AssetUris {
  /** The scheme of every lakemill asset URI. */
  public static final String SCHEME = "lakemill";

  private AssetUris() {}

  /**
   * The URI of {@code schema.table} or {@code model@alias} in {@code env}.
   *
   * @param tableOrAlias {@code schema.table} or {@code model@alias}
   */
  public static String of(String env, String tableOrAlias) {
    return SCHEME + "://" + encode(env) + (tableOrAlias.contains("@") ? "/model/" : "/table/") + tableOrAlias;
  }

  /** {@code lakemill://local/table/silver.customers}. */
  public static String table(String env, String table) {
    return of(env, table);
  }

  /** {@code lakemill://local/model/churn@champion}. */
  public static String modelAlias(String env, String model, String alias) {
    return of(env, model + "@" + alias);
  }

  private static String encode(String env) {
    StringBuilder out = new StringBuilder();
    for (byte b : env.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
          || c == '-') {
        out.append(c);
      } else {
        out.append(String.format(Locale.ROOT, "%%%02X", b & 0xff));
      }
    }
    return out.toString();
  }
}
