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

  /**
   * Parses an expectation's {@code check} like {@link #analyzeQuery}: its syntax errors, the tables
   * its subqueries read and the reads it may not make. No unnamed columns.
   */
  default Analysis analyzeExpression(String expression) {
    return new Analysis(checkExpression(expression), List.of(), List.of());
  }

  /** Parses a DDL schema string such as {@code "plan STRING, fee DOUBLE"}. */
  List<SqlError> checkSchema(String ddl);

  /**
   * @param errors syntax errors; empty when the query parsed
   * @param tables referenced tables as written ({@code a} or {@code a.b}, without backticks), each
   *     with the 1-based line of its first reference, in order of appearance
   * @param unnamedColumns result columns that are neither a column, a literal nor {@code *} and have
   *     no alias: Spark names them after their text (e.g. {@code count(1)}), which Delta rejects
   * @param forbidden reads and calls a pipeline may not make (files, the catalog, the JVM), in order
   *     of appearance
   */
  record Analysis(List<SqlError> errors, List<TableRef> tables, List<UnnamedColumn> unnamedColumns,
      List<Forbidden> forbidden) {
    public Analysis {
      errors = List.copyOf(errors);
      tables = List.copyOf(tables);
      unnamedColumns = List.copyOf(unnamedColumns);
      forbidden = List.copyOf(forbidden);
    }

    public Analysis(List<SqlError> errors, List<TableRef> tables, List<UnnamedColumn> unnamedColumns) {
      this(errors, tables, unnamedColumns, List.of());
    }
  }

  /**
   * Something the SQL reads or calls that is not the pipeline's own data: a file read as a table, a
   * table name computed at run time, a table function or function outside the allowed set.
   *
   * @param kind what it is
   * @param text as written (a name, a path, {@code IDENTIFIER(...)})
   * @param line 1-based line of the SQL text
   * @param why what it would do, for {@link ForbiddenKind#DENIED_FUNCTION}; empty otherwise
   */
  record Forbidden(ForbiddenKind kind, String text, int line, String why) {
    public Forbidden(ForbiddenKind kind, String text, int line) {
      this(kind, text, line, "");
    }
  }

  /** The kinds of {@link Forbidden} reads and calls. */
  enum ForbiddenKind {
    /** {@code parquet.`/path`} and every other {@code format.`path`} form. */
    FILE_TABLE,
    /** {@code IDENTIFIER(...)} naming a table or function with anything but a string literal. */
    COMPUTED_NAME,
    /** A table-valued function that is not one of Spark's row generators. */
    TABLE_FUNCTION,
    /** A built-in that reaches the JVM or the file system ({@code reflect}, {@code java_method}, ...). */
    DENIED_FUNCTION,
    /** A function named with a catalog or database ({@code db.fn}): code nobody declared, or a built-in in disguise. */
    CATALOG_FUNCTION,
    /** {@code SELECT TRANSFORM(...) USING 'command'}: runs a program. */
    SCRIPT
  }

  /** A result column without alias, as written, and the 1-based line of the SQL it starts on. */
  record UnnamedColumn(String expression, int line) {}

  /** A table reference and the 1-based line of the SQL it is on. */
  record TableRef(String name, int line) {}

  /** A syntax error at a 1-based line and 1-based column of the text. */
  record SqlError(int line, int column, String message) {}
}
