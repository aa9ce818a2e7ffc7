package dev.lakemill.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakemill.compile.SqlAnalyzer.Analysis;
import dev.lakemill.compile.SqlAnalyzer.SqlError;
import dev.lakemill.compile.SqlAnalyzer.TableRef;
import dev.lakemill.compile.SqlAnalyzer.UnnamedColumn;
import org.junit.jupiter.api.Test;

class SparkSqlAnalyzerTest {
  private final SparkSqlAnalyzer analyzer = new SparkSqlAnalyzer();

  @Test
  void listsTablesWithTheirLinesExcludingCtes() {
    Analysis a = analyzer.analyzeQuery("""
        WITH recent AS (SELECT * FROM events WHERE day > '2026-01-01')
        SELECT r.id, `by-region`.n
        FROM recent r
        JOIN `by-region` ON r.region = `by-region`.region
        WHERE r.id IN (SELECT id FROM lake.allowed)
        """);

    assertThat(a.errors()).isEmpty();
    assertThat(a.tables()).containsExactly(
        new TableRef("events", 1), new TableRef("by-region", 4), new TableRef("lake.allowed", 5));
  }

  @Test
  void findsResultColumnsThatNeedAnAlias() {
    Analysis a = analyzer.analyzeQuery("""
        WITH x AS (SELECT count(*) FROM t)
        SELECT id, t.name, `odd name`, t.*, 1, -2.5, 'lit', upper(name),
               id + 1 AS next, (SELECT max(id) FROM u) AS top
        FROM (SELECT sum(v) FROM w) t
        UNION ALL SELECT 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 FROM v
        """);

    assertThat(a.unnamedColumns()).containsExactly(new UnnamedColumn("upper(name)", 2));
  }

  @Test
  void namedParameterMarkersOfBoundParamsParseWhereValuesGo() {
    assertThat(analyzer.analyzeQuery("SELECT *, :p_run_date AS d, CAST(:region AS STRING) AS r FROM c"
        + " WHERE age >= :p_min_age AND region = concat('x', CAST(:region AS STRING)) LIMIT :n").errors()).isEmpty();
    assertThat(analyzer.checkExpression("age >= :p_min_age AND CAST(:d AS DATE) > DATE '2026-01-01'")).isEmpty();
    assertThat(analyzer.analyzeQuery("SELECT * FROM :t").errors())
        .containsExactly(new SqlError(1, 15, "syntax error at or near ':'"));
  }

  @Test
  void lowercaseKeywordsParse() {
    assertThat(analyzer.analyzeQuery("select region, count(*) as n from prepare group by region").errors()).isEmpty();
  }

  @Test
  void reportsTheFirstSyntaxErrorWithLineAndColumn() {
    Analysis a = analyzer.analyzeQuery("SELECT a,\n  b FROM t WHERE x =\n");

    assertThat(a.errors()).containsExactly(new SqlError(3, 1, "syntax error at end of input"));
    assertThat(a.tables()).isEmpty();
  }

  @Test
  void rejectsStatementsThatAreNotQueries() {
    assertThat(analyzer.analyzeQuery("DROP TABLE customers").errors())
        .singleElement()
        .satisfies(e -> assertThat(e.message()).isEqualTo("syntax error at or near 'DROP'"));
    assertThat(analyzer.analyzeQuery("SELECT 1; DROP TABLE customers").errors()).hasSize(1);
  }

  @Test
  void checksExpressionsAndSchemas() {
    assertThat(analyzer.checkExpression("age >= 18 AND tenure_months IS NOT NULL")).isEmpty();
    assertThat(analyzer.checkExpression("age >= ")).singleElement()
        .satisfies(e -> assertThat(e.message()).isEqualTo("syntax error at end of input"));
    assertThat(analyzer.checkSchema("plan STRING, monthly_fee DOUBLE, contract_months INT")).isEmpty();
    assertThat(analyzer.checkSchema("plan STRING monthly_fee")).singleElement()
        .satisfies(e -> assertThat(e.message()).isEqualTo("syntax error at or near 'monthly_fee'"));
  }
}
