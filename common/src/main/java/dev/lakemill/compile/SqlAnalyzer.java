package dev.lakemill.compile;

import java.util.List;

/**
 * Syntax-level SQL checks that need no SparkSession. The compiler depends on this interface only;
 * the implementation lives with the other Spark-class-but-no-session code.
 */
public interface SqlAnalyzer {
  /** Parses one query (SELECT, WITH, VALUES, ...) and lists the tables it reads, CTE names excluded. */
  Analysis analyzeQuery(String sql);

  /** Parses a boolean expression such as an expectation's {@code check}. */
  List<SqlError> checkExpression(String expression);

  /** Parses a DDL schema string such as {@code "plan STRING, fee DOUBLE"}. */
  List<SqlError> checkSchema(String ddl);

  /**
   * @param errors syntax errors; empty when the query parsed
   * @param tables referenced tables as written ({@code a} or {@code a.b}, without backticks), each
   *     with the 1-based line of its first reference, in order of appearance
   * @param unnamedColumns result columns that are neither a column, a literal nor {@code *} and have
   *     no alias: Spark names them after their text (e.g. {@code count(1)}), which Delta rejects
   */
  record Analysis(List<SqlError> errors, List<TableRef> tables, List<UnnamedColumn> unnamedColumns) {
    public Analysis {
      errors = List.copyOf(errors);
      tables = List.copyOf(tables);
      unnamedColumns = List.copyOf(unnamedColumns);
    }
  }

  /** A result column without alias, as written, and the 1-based line of the SQL it starts on. */
  record UnnamedColumn(String expression, int line) {}

  /** A table reference and the 1-based line of the SQL it is on. */
  record TableRef(String name, int line) {}

  /** A syntax error at a 1-based line and 1-based column of the text. */
  record SqlError(int line, int column, String message) {}
}
