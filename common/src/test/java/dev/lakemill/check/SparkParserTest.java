package dev.lakemill.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakemill.compile.SqlAnalyzer.Analysis;
import dev.lakemill.compile.SqlAnalyzer.Forbidden;
import dev.lakemill.compile.SqlAnalyzer.ForbiddenKind;
import dev.lakemill.compile.SqlAnalyzer.SqlError;
import dev.lakemill.compile.SqlAnalyzer.TableRef;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry$;
import org.apache.spark.sql.catalyst.analysis.TableFunctionRegistry$;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark's full parser as {@code validate} uses it, without a SparkSession: what the grammar alone
 * accepts but {@code run} rejects, the reads and calls a pipeline may not make, and a review of
 * Spark's function registries that fails when a Spark upgrade adds a function to decide about.
 */
class SparkParserTest {
  private final SparkSqlAnalyzer analyzer = new SparkSqlAnalyzer();

  /** Texts Spark's grammar accepts and its AST builder rejects, with the error validate reports. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      SELECT * FROM customers-clean                  | 1 | 24 | [INVALID_IDENTIFIER] The unquoted identifier customers-clean is invalid and must be back quoted as: `customers-clean`.
      SELECT CAST(a AS STRNG) AS a FROM t            | 1 | 18 | [UNSUPPORTED_DATATYPE] Unsupported data type "STRNG".
      SELECT 1 AS x FROM t\\nWINDOW w AS (ORDER BY a), w AS (ORDER BY b) | 2 | 1 | [INVALID_SQL_SYNTAX.REPETITIVE_WINDOW_DEFINITION] Invalid SQL syntax: The definition of window `w` is repetitive.
      """)
  void rejectsWhatOnlyTheAstBuilderCatches(String sql, int line, int column, String message) {
    Analysis a = analyzer.analyzeQuery(sql.replace("\\n", "\n"));
    assertThat(a.errors()).containsExactly(new SqlError(line, column, message));
  }

  @Test
  void checksExpressionsAndSchemasWithSparksParser() {
    assertThat(analyzer.checkExpression("CAST(fee AS DOUBEL) > 0")).containsExactly(new SqlError(1, 13,
        "[UNSUPPORTED_DATATYPE] Unsupported data type \"DOUBEL\"."));
    assertThat(analyzer.checkSchema("plan STRING, fee DOUBEL")).containsExactly(
        new SqlError(1, 18, "[UNSUPPORTED_DATATYPE] Unsupported data type \"DOUBEL\"."));
    assertThat(analyzer.checkSchema("plan STRING, fee DECIMAL(10, 2)")).isEmpty();
  }

  @Test
  void namedParameterMarkersStillValidate() {
    Analysis a = analyzer.analyzeQuery("SELECT * FROM customers WHERE age >= :min_age AND plan = :plan LIMIT :n");

    assertThat(a.errors()).isEmpty();
    assertThat(a.forbidden()).isEmpty();
    assertThat(a.tables()).containsExactly(new TableRef("customers", 1));
    assertThat(analyzer.analyzeExpression("age >= :min_age").errors()).isEmpty();
    assertThat(analyzer.analyzeQuery("SELECT IDENTIFIER(:column) AS c FROM customers").forbidden()).isEmpty();
  }

  @Test
  void identifierWithALiteralIsARead() {
    Analysis a = analyzer.analyzeQuery("SELECT * FROM IDENTIFIER('customers')\nJOIN IDENTIFIER('`by-region`') USING (r)");

    assertThat(a.forbidden()).isEmpty();
    assertThat(a.tables()).containsExactly(new TableRef("customers", 1), new TableRef("by-region", 2));
  }

  @Test
  void identifierWithAnythingElseInTablePositionIsForbidden() {
    assertThat(analyzer.analyzeQuery("SELECT * FROM IDENTIFIER(:table)").forbidden()).containsExactly(
        new Forbidden(ForbiddenKind.COMPUTED_NAME, "IDENTIFIER(:table)", 1));
  }

  @Test
  void checkSubqueriesAreReadsOfTheirOwn() {
    Analysis a = analyzer.analyzeExpression(
        "id IN (WITH s AS (SELECT id FROM allowed) SELECT id FROM s) AND EXISTS (SELECT 1 FROM json.`/tmp/x`)");

    assertThat(a.tables()).containsExactly(new TableRef("allowed", 1));
    assertThat(a.forbidden()).containsExactly(new Forbidden(ForbiddenKind.FILE_TABLE, "json.`/tmp/x`", 1));
  }

  @Test
  void functionsAreDeniedInAnyCaseAndAnySyntax() {
    Analysis a = analyzer.analyzeQuery("""
        SELECT ReFlEcT('java.lang.System', 'getenv', 'HOME') AS a, builtin.java_method('a', 'b') AS b
        FROM customers LATERAL VIEW OUTER explode(array(1)) t AS x
        """);

    assertThat(a.forbidden()).containsExactly(
        new Forbidden(ForbiddenKind.DENIED_FUNCTION, "reflect", 1, "calls any static Java method"),
        new Forbidden(ForbiddenKind.DENIED_FUNCTION, "java_method", 1, "calls any static Java method"));
  }

  /**
   * Every table-valued function Spark 4.1 has is either allowed (reads only its arguments) or denied
   * (reads something else): a new one fails this test until someone decides.
   */
  @Test
  void everyTableFunctionInSparksRegistryIsReviewed() {
    Set<String> registry = new TreeSet<>();
    CollectionConverters.asJava(TableFunctionRegistry$.MODULE$.builtin().listFunction())
        .forEach(f -> registry.add(f.funcName()));

    Set<String> reviewed = new TreeSet<>(SparkParser.ALLOWED_TABLE_FUNCTIONS);
    reviewed.add("python_worker_logs");
    assertThat(registry).isEqualTo(reviewed);
  }

  /**
   * The functions whose names suggest a reach outside the data (the JVM, files, the environment,
   * secrets, configuration) are each denied or allowed on purpose; a new one fails this test.
   */
  @Test
  void everyFunctionThatCouldReachOutsideTheDataIsReviewed() {
    Set<String> registry = new TreeSet<>();
    CollectionConverters.asJava(FunctionRegistry$.MODULE$.builtin().listFunction())
        .forEach(f -> registry.add(f.funcName()));
    Set<String> suspicious = new TreeSet<>();
    registry.stream()
        .filter(n -> n.matches(".*(reflect|java|method|file|env|secret|conf|protobuf|avro|user|catalog|database"
            + "|schema|version|load|read|url|xpath|xml|exec|script|system|host|path).*"))
        .forEach(suspicious::add);

    assertThat(registry).containsAll(SparkParser.DENIED_FUNCTIONS.keySet());
    Set<String> allowedOnPurpose = Set.of(
        // the file a row came from: only declared sources are read, so only their paths
        "input_file_name", "input_file_block_start", "input_file_block_length",
        // the Spark user and session's catalog and database: names, no data, no secret
        "current_user", "user", "session_user", "current_catalog", "current_database", "current_schema",
        "version",
        // parse and format values given as arguments; Avro and XML schemas are given inline
        "from_avro", "to_avro", "schema_of_avro", "from_xml", "to_xml", "schema_of_xml", "schema_of_csv",
        "schema_of_json", "schema_of_variant", "schema_of_variant_agg",
        "xpath", "xpath_boolean", "xpath_double", "xpath_float", "xpath_int", "xpath_long", "xpath_number",
        "xpath_short", "xpath_string",
        "parse_url", "try_parse_url", "url_decode", "url_encode", "try_url_decode");
    Set<String> reviewed = new TreeSet<>(allowedOnPurpose);
    reviewed.addAll(SparkParser.DENIED_FUNCTIONS.keySet());
    assertThat(suspicious).isSubsetOf(reviewed);
  }
}
