package dev.lakemill.spec;

import java.util.Locale;

/** Values of a source's {@code format} key. */
public enum SourceFormat {
  /** A Delta table; supports {@code version-as-of} and {@code timestamp-as-of} time travel. */
  DELTA,
  PARQUET,
  CSV,
  JSON,
  ORC,
  /** Deterministic synthetic data from a named generator (demos, tests, benchmarks). */
  GENERATE;

  /** The spelling used in pipeline files. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
