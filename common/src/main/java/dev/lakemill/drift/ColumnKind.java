package dev.lakemill.drift;

/** How a column is compared: numeric values on a line, or categories (strings, booleans, few numeric values). */
public enum ColumnKind {
  NUMERIC,
  CATEGORICAL;

  /** Numeric columns with more than 5 distinct values (both samples together) are NUMERIC, all others CATEGORICAL. */
  public static ColumnKind of(boolean numericType, long distinctValues) {
    return numericType && distinctValues > 5 ? NUMERIC : CATEGORICAL;
  }
}
