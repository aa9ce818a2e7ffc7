package dev.lakemill.drift;

/** How a column is compared: numeric values on a line, or categories (strings, booleans, few numeric values). */
public enum ColumnKind {
  NUMERIC,
  CATEGORICAL
}
