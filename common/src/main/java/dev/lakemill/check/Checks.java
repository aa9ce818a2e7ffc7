package dev.lakemill.check;

import dev.lakemill.compile.Compiler;

/** The Spark-backed checks, wired into the front end. None of them starts a SparkSession. */
public final class Checks {
  private Checks() {}

  /** A {@link Compiler} that checks SQL with Spark's grammar and stages against the MLlib classes on the classpath. */
  public static Compiler compiler() {
    return new Compiler(new SparkSqlAnalyzer(), MllibCatalog.shared());
  }
}
