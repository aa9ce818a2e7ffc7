package dev.lakemill.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.lakemill.error.Problem;
import dev.lakemill.spec.SourceLocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rewrite of {@code ${params.x}} into named parameter markers, and the typing of params. No Spark. */
class SqlParamsTest {
  private static final SourceLocation AT = new SourceLocation("p.conf", 10);
  private final List<Problem> problems = new ArrayList<>();

  @TempDir Path dir;

  private SqlParams params(Map<String, String> values) throws IOException {
    Path file = Files.writeString(dir.resolve("p.conf"), """
        params {
          min-age = 18
          rate = 0.5
          strict = true
          run-date = "2026-11-26"
          region = north
          big = 10
        }
        """);
    Map<String, ParamTypes.Declared> declared = ParamTypes.declared(ConfigFactory.parseFile(file.toFile()));
    Map<String, String> all = new LinkedHashMap<>(Map.of("min-age", "18", "rate", "0.5", "strict", "true",
        "run-date", "2026-11-26", "region", "north", "big", "10"));
    all.putAll(values);
    Map<String, SourceLocation> valueAt = new LinkedHashMap<>();
    all.keySet().forEach(k -> valueAt.put(k, new SourceLocation(values.containsKey(k) ? "command line --param" : file.toString(), 2)));
    return new SqlParams(new ParamValues(all, declared, valueAt, problems), problems);
  }

  private String rewrite(SqlParams p, String sql) {
    return p.rewrite(sql, AT, "steps.s.sql", "SQL");
  }

  @Test
  void placeholdersOutsideQuotesBecomeMarkersOfTheDefaultsType() throws IOException {
    SqlParams p = params(Map.of("big", "5000000000"));

    assertThat(rewrite(p, "SELECT * FROM c WHERE age >= ${params.min-age} AND r < ${params.rate}"
        + " AND ${params.strict} AND d = ${params.run-date} AND n < ${params.big} AND region = ${params.region}"))
        .isEqualTo("SELECT * FROM c WHERE age >= :p_min_age AND r < :rate AND :strict AND d = :p_run_date"
            + " AND n < :big AND region = :region");
    assertThat(p.args()).containsExactlyInAnyOrderEntriesOf(Map.of("p_min_age", 18, "rate", 0.5, "strict", true,
        "p_run_date", LocalDate.of(2026, 11, 26), "big", 5_000_000_000L, "region", "north"));
    assertThat(problems).isEmpty();
  }

  @Test
  void placeholdersInsideStringsStayStringsAndTypedLiteralsBecomeCasts() throws IOException {
    SqlParams p = params(Map.of());

    assertThat(rewrite(p, "SELECT '${params.region}' AS r, 'day=${params.run-date}/x' AS path,"
        + " DATE '${params.run-date}' AS d, timestamp\n  \"${params.run-date} 00:00:00\" AS t, 'it\\'s ${params.region}' AS q"))
        .isEqualTo("SELECT CAST(:region AS STRING) AS r, concat('day=', CAST(:p_run_date AS STRING), '/x') AS path,"
            + " CAST( :p_run_date AS DATE) AS d, CAST(\n  concat(CAST(:p_run_date AS STRING), \" 00:00:00\") AS TIMESTAMP)"
            + " AS t, concat('it\\'s ', CAST(:region AS STRING)) AS q");
    assertThat(problems).isEmpty();
  }

  @Test
  void hostileValuesAreOnlyEverArguments() throws IOException {
    SqlParams p = params(Map.of("region", "x' OR 1=1 --", "min-age", "18"));

    String sql = rewrite(p, "SELECT * FROM c WHERE region = '${params.region}' -- ${params.region} in a comment");

    assertThat(sql).isEqualTo("SELECT * FROM c WHERE region = CAST(:region AS STRING) -- ${params.region} in a comment");
    assertThat(p.args()).containsExactly(Map.entry("region", "x' OR 1=1 --"));
  }

  @Test
  void keepsLineBreaksSoLinesMapToTheFile() throws IOException {
    String sql = "SELECT a,\n  '${params.region}\nmore' AS b\nFROM t /* ${params.x}\n */ WHERE c = ${params.big}";

    String rewritten = rewrite(params(Map.of()), sql);

    assertThat(rewritten.lines().count()).isEqualTo(sql.lines().count());
    assertThat(rewritten.lines().toList().get(4)).isEqualTo(" */ WHERE c = :big");
  }

  @Test
  void rejectsParamsUsedAsNames() throws IOException {
    SqlParams p = params(Map.of());

    assertThat(rewrite(p, "SELECT *\nFROM sales_${params.region}")).isNull();
    assertThat(rewrite(p, "SELECT `${params.region}` FROM t")).isNull();
    assertThat(rewrite(p, "SELECT a FROM lake.${params.region}")).isNull();

    assertThat(problems).extracting(Problem::toString).containsExactly(
        "p.conf: 11: steps.s.sql: Cannot use ${params.region} as a name in SQL: params are bound as values, never"
            + " pasted into the text, so they cannot name (or be part of the name of) a table, column or alias; use"
            + " the param where a value goes (e.g. WHERE region = ${params.region}), or write the name itself",
        "p.conf: 10: steps.s.sql: Cannot use ${params.region} as a name in SQL: params are bound as values, never"
            + " pasted into the text, so they cannot name (or be part of the name of) a table, column or alias; use"
            + " the param where a value goes (e.g. WHERE region = ${params.region}), or write the name itself",
        "p.conf: 10: steps.s.sql: Cannot use ${params.region} as a name in SQL: params are bound as values, never"
            + " pasted into the text, so they cannot name (or be part of the name of) a table, column or alias; use"
            + " the param where a value goes (e.g. WHERE region = ${params.region}), or write the name itself");
  }

  @Test
  void aValueOfAnotherTypeIsReportedOnceAtTheDeclaration() throws IOException {
    SqlParams p = params(Map.of("min-age", "0 OR 1=1", "run-date", "2026-02-30", "strict", "yes"));

    assertThat(rewrite(p, "SELECT * FROM c WHERE age >= ${params.min-age} OR age < ${params.min-age}")).isNull();
    assertThat(rewrite(p, "SELECT DATE '${params.run-date}' AS d, ${params.strict} AS s")).isNull();

    assertThat(problems).extracting(Problem::toString).containsExactly(
        dir.resolve("p.conf") + ": 2: params.min-age: Cannot use params.min-age = '0 OR 1=1' (from command line --param): it must be"
            + " an integer, like its default 18 on this line; pass an integer, e.g. --param min-age=18, or change the default",
        dir.resolve("p.conf") + ": 5: params.run-date: Cannot use params.run-date = '2026-02-30' (from command line --param): it must"
            + " be a date (yyyy-MM-dd), like its default 2026-11-26 on this line; pass a date (yyyy-MM-dd), e.g."
            + " --param run-date=2026-11-26, or change the default",
        dir.resolve("p.conf") + ": 4: params.strict: Cannot use params.strict = 'yes' (from command line --param): it must be a"
            + " boolean (true or false), like its default true on this line; pass a boolean (true or false), e.g."
            + " --param strict=true, or change the default");
  }

  @Test
  void unknownAndNonParamReferencesAreErrorsAtTheirLine() throws IOException {
    SqlParams p = params(Map.of());

    assertThat(rewrite(p, "SELECT 1 AS a,\n ${params.regin} AS b, '${env:HOME}' AS c")).isNull();

    assertThat(problems).extracting(Problem::toString).containsExactly(
        "p.conf: 11: steps.s.sql: Unresolved substitution ${params.regin} in SQL; did you mean ${params.region}?",
        "p.conf: 11: steps.s.sql: Cannot substitute ${env:HOME} in SQL: only ${params.<name>} is replaced inside"
            + " SQL; declare the value under params");
  }

  @Test
  void markersAreSafeIdentifiers() {
    assertThat(SqlParams.marker("day")).isEqualTo("day");
    assertThat(SqlParams.marker("run-date")).isEqualTo("p_run_date");
    assertThat(SqlParams.marker("select")).isEqualTo("select");
  }
}
