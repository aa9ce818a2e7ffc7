package dev.lakemill.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakemill.check.Checks;
import dev.lakemill.error.PipelineConfigException;
import dev.lakemill.spec.ExpectationSpec;
import dev.lakemill.spec.OnViolation;
import dev.lakemill.spec.PipelineSpec;
import dev.lakemill.spec.SourceFormat;
import dev.lakemill.spec.SqlStepSpec;
import dev.lakemill.spec.WriteMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading and binding real pipeline files, and command-line params; no Spark session. */
class PipelinesTest {
  static final Path CHURN_PREP = Path.of("../pipeline-defs/churn-prep.conf");

  @TempDir Path dir;

  @Test
  void bindsTheChurnPrepExample() {
    PipelineSpec spec = Checks.compiler().validate(CHURN_PREP, Map.of());

    assertThat(spec.info().name()).isEqualTo("churn-prep");
    assertThat(spec.info().schedule()).isEqualTo("0 3 * * *");
    assertThat(spec.info().tags()).containsExactly("churn");
    assertThat(spec.params()).containsEntry("rows", "200000").containsEntry("run-date", "2026-11-26");
    assertThat(spec.sources()).extracting(s -> s.name()).containsExactly("customers", "plans");
    assertThat(spec.sources().get(0).format()).isEqualTo(SourceFormat.GENERATE);
    assertThat(spec.sources().get(0).generatorOptions()).containsEntry("rows", 200000L).containsEntry("seed", 7L);
    assertThat(spec.sources().get(1).options()).containsEntry("header", "true");

    SqlStepSpec prepare = (SqlStepSpec) spec.steps().get(0);
    assertThat(prepare.sql()).contains("c.churned, :p_run_date AS snapshot_date").doesNotContain("${");
    assertThat(prepare.args()).containsExactly(Map.entry("p_run_date", LocalDate.of(2026, 11, 26)));
    assertThat(prepare.sqlAt().line()).isEqualTo(32);
    assertThat(prepare.expectations()).extracting(ExpectationSpec::name).containsExactly("adult", "has-tenure", "unique-id");
    assertThat(prepare.expectations()).extracting(ExpectationSpec::onViolation)
        .containsExactly(OnViolation.DROP, OnViolation.WARN, OnViolation.FAIL);
    assertThat(prepare.output().table()).isEqualTo("silver.customers");
    assertThat(spec.steps().get(1).output().mode()).isEqualTo(WriteMode.OVERWRITE);
  }

  @Test
  void aGeneratorSeededWithTheRunDateGivesEveryRunDateItsOwnSeed() {
    Path daily = Path.of("../pipeline-defs/churn-daily.conf");

    assertThat(Checks.compiler().validate(daily, Map.of()).sources().get(0).generatorOptions())
        .containsEntry("seed", 20261126L);
    assertThat(Checks.compiler().validate(daily, Map.of("run-date", "2026-12-01")).sources().get(0).generatorOptions())
        .containsEntry("seed", 20261201L);
  }

  @Test
  void commandLineParamsOverrideFileParamsEverywhere() {
    PipelineSpec spec = Checks.compiler().validate(CHURN_PREP, Map.of("rows", "1000", "run-date", "2026-01-31"));

    assertThat(spec.sources().get(0).generatorOptions()).containsEntry("rows", 1000L);
    assertThat(((SqlStepSpec) spec.steps().get(0)).args()).containsEntry("p_run_date", LocalDate.of(2026, 1, 31));
  }

  @Test
  void theCanonicalStepHoldsTheValuesItsParamsBindSoTheStepCacheSeesAChange() {
    PipelineSpec base = Checks.compiler().validate(CHURN_PREP, Map.of());
    PipelineSpec otherDay = Checks.compiler().validate(CHURN_PREP, Map.of("run-date", "2026-11-27"));

    assertThat(base.canonicalSteps().get("prepare")).contains("\"bound-params\":{\"p_run_date\":\"localdate 2026-11-26\"}");
    assertThat(otherDay.canonicalSteps().get("prepare")).isNotEqualTo(base.canonicalSteps().get("prepare"));
    assertThat(otherDay.canonicalSteps().get("by-region")).isEqualTo(base.canonicalSteps().get("by-region"));
  }

  @Test
  void rejectsAnUndeclaredCommandLineParam() {
    assertThatThrownBy(() -> Checks.compiler().validate(CHURN_PREP, Map.of("rowz", "5")))
        .isInstanceOf(PipelineConfigException.class)
        .hasMessage("command line --param: params.rowz: Unknown param 'rowz'; did you mean 'rows'?"
            + " (declare it under params in ../pipeline-defs/churn-prep.conf first)");
  }

  @Test
  void rejectsACommandLineParamOfAnotherTypeThanItsDefaultAtTheDeclaration() {
    assertThatThrownBy(() -> Checks.compiler().validate(CHURN_PREP, Map.of("run-date", "2026-11-26' OR '1'='1")))
        .isInstanceOf(PipelineConfigException.class)
        .hasMessage("../pipeline-defs/churn-prep.conf: 13: params.run-date: Cannot use params.run-date ="
            + " '2026-11-26' OR '1'='1' (from command line --param): it must be a date (yyyy-MM-dd), like its default"
            + " 2026-11-26 on this line; pass a date (yyyy-MM-dd), e.g. --param run-date=2026-11-26, or change the default");
  }

  @Test
  void reportsAMissingFileInsteadOfAcceptingIt() {
    Path missing = dir.resolve("nope.conf");

    assertThatThrownBy(() -> Checks.compiler().validate(missing, Map.of()))
        .isInstanceOf(PipelineConfigException.class)
        .hasMessage(missing + ": Cannot read pipeline file: it does not exist or is not a file; check the path");
  }

  @Test
  void environmentVariablesFillOptionalSubstitutions() throws IOException {
    Path file = dir.resolve("env.conf");
    Files.writeString(file, """
        pipeline { name = env }
        params { user = nobody, user = ${?USER_THAT_IS_NOT_SET_12345}, path = ${?PATH} }
        steps { one { type = sql, sql = "SELECT '${params.user}' AS u" } }
        """);

    PipelineSpec spec = Checks.compiler().validate(file, Map.of());

    assertThat(spec.params()).containsEntry("user", "nobody").containsEntry("path", System.getenv("PATH"));
  }

  @Test
  void keyOrderAndCommentsDoNotChangeTheCanonicalStep() throws IOException {
    Path a = dir.resolve("a.conf");
    Path b = dir.resolve("b.conf");
    Path c = dir.resolve("c.conf");
    Files.writeString(a, "pipeline { name = x }\nsteps { s { type = sql, sql = \"SELECT 1 AS one\", output = a.b } }\n");
    Files.writeString(b, "pipeline { name = x }\n# a comment\nsteps {\n  s {\n    output = a.b\n    sql = \"SELECT 1 AS one\"\n    type = sql\n  }\n}\n");
    Files.writeString(c, "pipeline { name = x }\nsteps { s { type = sql, sql = \"SELECT 2 AS one\", output = a.b } }\n");
    Compiler compiler = Checks.compiler();

    String canonicalA = compiler.validate(a, Map.of()).canonicalSteps().get("s");

    assertThat(compiler.validate(b, Map.of()).canonicalSteps().get("s")).isEqualTo(canonicalA);
    assertThat(compiler.validate(c, Map.of()).canonicalSteps().get("s")).isNotEqualTo(canonicalA);
  }
}
