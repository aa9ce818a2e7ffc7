package dev.lakemill.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakemill.PipelineFixture;
import dev.lakemill.airflow.rest.FakeAirflow;
import dev.lakemill.delta.InputVersion;
import dev.lakemill.error.LakemillException;
import dev.lakemill.engine.SparkSessions;
import dev.lakemill.registry.AliasAction;
import dev.lakemill.registry.AliasEvent;
import dev.lakemill.registry.GateResult;
import dev.lakemill.registry.ModelRegistry;
import dev.lakemill.registry.ModelVersion;
import dev.lakemill.registry.TuningResult;
import dev.lakemill.registry.Validation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lakemill models} on a registry seeded once with synthetic versions and events: what each
 * subcommand prints and records, and every user error. Tests that move aliases work on a copy of the
 * seeded versions, so only the seed registers (a Delta MERGE of seconds each; concurrent registrations
 * are ConcurrentRunsTest's, from two processes as two Airflow tasks would). The last test goes through the real command line, after the shared session is stopped (the
 * command stops the session it gets).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelsCommandTest {
  static final Instant T1 = Instant.parse("2030-01-01T00:00:00Z");
  static final Instant T2 = Instant.parse("2030-02-01T00:00:00Z");
  static final Instant T3 = Instant.parse("2030-02-15T12:00:00Z");
  static final Instant T4 = Instant.parse("2030-03-01T00:00:00Z");
  static final Instant T5 = Instant.parse("2030-03-10T00:00:00Z");

  static SparkSession spark;

  /** churn v1..v3 and fraud v1; champion v1 -> v2 -> rolled back to v1, staging v3, v2 archived. */
  static ModelRegistry seeded;

  @TempDir static Path shared;

  @TempDir Path dir;

  @BeforeAll
  static void startSparkAndSeed() {
    spark = PipelineFixture.localSpark("lakemill-test");
    seeded = registry(shared);
    for (int i = 1; i <= 3; i++) {
      seeded.register(draft("churn", "r" + i, 0.70 + i / 20.0));
    }
    seeded.register(draft("fraud", "f1", 0.95));
    seeded.recordValidation(new Validation("churn", 1, "r1", T1, List.of(new GateResult("areaUnderROC", "at-least", 0.7,
        0.75, 0.7, 0, Double.NaN, true)), true));
    seeded.recordValidation(new Validation("churn", 3, "r3", T3, List.of(new GateResult("areaUnderROC",
        "at-least-champion-minus", 0.01, 0.85, 0.79, 2, 0.80, true), new GateResult("logLoss", "at-most", 0.4, 0.5,
        0.4, 0, Double.NaN, false)), false));
    String gates = "passed gates in step validate";
    seeded.recordEvent(new AliasEvent("churn", AliasAction.PROMOTE, "champion", 1, T1, "r1", gates));
    seeded.recordEvent(new AliasEvent("churn", AliasAction.PROMOTE, "champion", 2, T2, "r2", gates));
    seeded.recordEvent(new AliasEvent("churn", AliasAction.PROMOTE, "staging", 3, T3, "", ModelsView.PROMOTE_REASON));
    seeded.recordEvent(new AliasEvent("churn", AliasAction.ROLLBACK, "champion", 1, T4, "", "v2 drifted"));
    seeded.recordEvent(new AliasEvent("churn", AliasAction.ARCHIVE, "", 2, T5, "", "archived from the command line"));
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
      spark = null;
    }
  }

  static ModelRegistry registry(Path lakehouse) {
    return new ModelRegistry(spark, lakehouse.toAbsolutePath() + "/_lakemill");
  }

  /**
   * A registry in {@code lakehouse} with the seeded versions (churn v1..v3, fraud v1) and no events
   * or validations: a file copy of the seeded models table, which is a Delta table of its own.
   */
  static ModelRegistry seededVersionsIn(Path lakehouse) throws IOException {
    Path from = shared.resolve("_lakemill/models");
    Path to = lakehouse.resolve("_lakemill/models");
    Files.createDirectories(to.getParent());
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Files.copy(file, to.resolve(from.relativize(file).toString()));
      }
    }
    return registry(lakehouse);
  }

  static ModelVersion draft(String name, String runId, double auc) {
    return new ModelVersion(name, 0, runId, name + "-train", "train", null,
        "org.apache.spark.ml.classification.GBTClassifier", "classification",
        Map.of("maxIter", "20", "maxDepth", "5", "featuresCol", "\"features\""), "areaUnderROC",
        List.of(new TuningResult(Map.of("maxDepth", "3"), auc - 0.02),
            new TuningResult(Map.of("maxDepth", "5"), auc - 0.01)),
        Map.of("logLoss", 1 - auc, "f1", auc - 0.1, "areaUnderROC", auc, "accuracy", auc - 0.05), "churned",
        List.of("age", "tenure", "plan"), "features",
        List.of(new InputVersion("customers", "/lake/bronze/customers", 4),
            new InputVersion("plans", "/data/plans.csv", -1),
            new InputVersion("features", "/lake/silver/features", 7)),
        "/lake/_lakemill/holdouts/" + name, 2, "test-fraction=0.2 seed=42", "fp-" + runId, "{\"train\":{}}", "0.1.0",
        "4.1.0", "/lake/_lakemill/model_artifacts/" + name + "/" + runId);
  }

  @Test
  void listShowsVersionsLatestAliasesAndArchived() {
    assertThat(ModelsView.list(seeded)).isEqualTo(
        "model                versions latest  aliases                      archived\n"
            + "churn                       3     v3  champion=v1, staging=v3      v2\n"
            + "fraud                       1     v1  none                         -\n");
    assertThat(ModelsView.list(registry(dir))).isEqualTo("No models registered in " + dir.toAbsolutePath()
        + "/_lakemill yet; a train step registers one (register-as = NAME).\n");
  }

  @Test
  void showByAliasPrintsEveryFieldAndValidations() {
    String v1 = ModelsView.show(seeded, "churn@champion");

    assertThat(v1).startsWith("churn@v1\n  aliases      champion\n  archived     no\n  run          r1\n"
            + "  pipeline     churn-train, step train\n  created      ")
        .contains("\n  estimator    org.apache.spark.ml.classification.GBTClassifier\n  problem      classification\n"
            + "  params       featuresCol=\"features\", maxDepth=5, maxIter=20\n"
            + "  tuning       areaUnderROC over 2 candidates (higher is better, * best)\n"
            + "                 0.7300  maxDepth=3\n"
            + "               * 0.7400  maxDepth=5\n"
            + "  metrics      areaUnderROC 0.7500, f1 0.6500, accuracy 0.7000, logLoss 0.2500\n"
            + "  label        churned\n  features     age, tenure, plan\n"
            + "  data         features  /lake/silver/features@v7\n"
            + "  lineage      customers  /lake/bronze/customers@v4\n"
            + "               plans  /data/plans.csv (not a Delta table)\n"
            + "               features  /lake/silver/features@v7\n"
            + "  holdout      /lake/_lakemill/holdouts/churn@v2\n  split        test-fraction=0.2 seed=42\n"
            + "  fingerprint  fp-r1\n  built with   lakemill 0.1.0, Spark 4.1.0\n"
            + "  model path   /lake/_lakemill/model_artifacts/churn/r1\n  definition   {\"train\":{}}\n"
            + "  validations  2030-01-01T00:00:00Z  run r1: passed\n"
            + "                 PASS areaUnderROC at-least: 0.7500 vs >= 0.7000\n");
  }

  @Test
  void showByVersionAndByPlainName() {
    String v2 = ModelsView.show(seeded, "churn@v2");
    String latest = ModelsView.show(seeded, "churn");

    assertThat(v2).startsWith("churn@v2\n  aliases      none\n  archived     yes: it cannot be promoted and vacuum does"
        + " not protect its files\n  run          r2\n");
    assertThat(latest).startsWith("churn@v3\n  aliases      staging\n  archived     no\n")
        .endsWith("  validations  2030-02-15T12:00:00Z  run r3: failed\n"
            + "                 PASS areaUnderROC at-least-champion-minus: 0.8500 vs >= 0.7900 (champion v2: 0.8000)\n"
            + "                 FAIL logLoss at-most: 0.5000 vs <= 0.4000\n");
  }

  @Test
  void historyListsVersionsThenEventsInTimeOrder() {
    List<String> lines = ModelsView.history(seeded, "churn").lines().toList();

    assertThat(lines).hasSize(9);
    assertThat(lines.get(0)).matches("\\S+Z  register  v1               run r1: areaUnderROC 0.7500, f1 0.6500,"
        + " accuracy 0.7000; validation passed");
    assertThat(lines.get(1)).endsWith("validation none");
    assertThat(lines.get(2)).endsWith("register  v3               run r3: areaUnderROC 0.8500, f1 0.7500,"
        + " accuracy 0.8000; validation failed");
    assertThat(lines.subList(3, 9)).containsExactly(
        "2030-01-01T00:00:00Z  promote   champion -> v1   run r1: passed gates in step validate",
        "2030-02-01T00:00:00Z  promote   champion -> v2   run r2: passed gates in step validate",
        "2030-02-15T12:00:00Z  promote   staging -> v3    command line: promoted from the command line",
        "2030-03-01T00:00:00Z  rollback  champion -> v1   command line: v2 drifted",
        "2030-03-10T00:00:00Z  archive   v2               command line: archived from the command line",
        "now: champion=v1, staging=v3; archived: v2");
    assertThat(ModelsView.history(seeded, "fraud")).endsWith("validation none\nnow: none; archived: none\n");
  }

  @Test
  void asOfReplaysEventsUpToTheInstant() {
    assertThat(ModelsView.asOf(seeded, "churn", "champion", Instant.parse("2029-12-31T23:59:59Z")))
        .isEqualTo(new ModelsView.AsOf(0, "churn@champion pointed to no version at 2029-12-31T23:59:59Z\n"));
    assertThat(ModelsView.asOf(seeded, "churn", "champion", T1).text())
        .isEqualTo("churn@champion at 2030-01-01T00:00:00Z: churn@v1\n");
    assertThat(ModelsView.asOf(seeded, "churn", "champion", ModelsView.instant("2030-01-20T08:00:00+02:00")).version())
        .isEqualTo(1);
    assertThat(ModelsView.asOf(seeded, "churn", "champion", ModelsView.instant("2030-02-01")).version()).isEqualTo(2);
    assertThat(ModelsView.asOf(seeded, "churn", "champion", T4.minusSeconds(1)).version()).isEqualTo(2);
    assertThat(ModelsView.asOf(seeded, "churn", "champion", T4).version()).isEqualTo(1);
    assertThat(ModelsView.asOf(seeded, "churn", "staging", T2).version()).isZero();
    assertThat(ModelsView.asOf(seeded, "churn", "staging", T5).version()).isEqualTo(3);
  }

  @Test
  void jsonOfListShowHistoryAndAsOfHasTheDocumentedShape() {
    var list = OutputDocs.assertShapedLike("models list", Json.write(ModelsView.listJson(seeded)));
    var show = OutputDocs.assertShapedLike("models show", Json.write(ModelsView.showJson(seeded, "churn@champion")));
    var history = OutputDocs.assertShapedLike("models history", Json.write(ModelsView.historyJson(seeded, "churn")));
    var asOf = OutputDocs.assertShapedLike("models as-of", Json.write(ModelsView.asOfJson("churn", "champion", T2,
        ModelsView.asOf(seeded, "churn", "champion", T2))));
    var never = OutputDocs.parse(Json.write(ModelsView.asOfJson("churn", "staging", T1,
        ModelsView.asOf(seeded, "churn", "staging", T1))));

    assertThat(list.toString()).isEqualTo("{\"registry\":\"" + shared.toAbsolutePath() + "/_lakemill\",\"models\":["
        + "{\"name\":\"churn\",\"versions\":3,\"latest\":3,\"aliases\":{\"champion\":1,\"staging\":3},\"archived\":[2]},"
        + "{\"name\":\"fraud\",\"versions\":1,\"latest\":1,\"aliases\":{},\"archived\":[]}]}");
    assertThat(show.get("ref").asText()).isEqualTo("churn@v1");
    assertThat(show.get("aliases").toString()).isEqualTo("[\"champion\"]");
    assertThat(show.get("tuning").toString()).isEqualTo("{\"metric\":\"areaUnderROC\",\"candidates\":["
        + "{\"params\":{\"maxDepth\":\"3\"},\"metric\":0.73},{\"params\":{\"maxDepth\":\"5\"},\"metric\":0.74}]}");
    assertThat(show.get("lineage").get(1).toString())
        .isEqualTo("{\"name\":\"plans\",\"location\":\"/data/plans.csv\",\"version\":null}");
    assertThat(show.get("validations").get(0).get("gates").get(0).toString()).isEqualTo("{\"metric\":\"areaUnderROC\","
        + "\"kind\":\"at-least\",\"threshold\":0.7,\"value\":0.75,\"bound\":0.7,\"champion_version\":null,"
        + "\"champion_value\":null,\"passed\":true}");
    assertThat(history.get("events")).hasSize(8);
    assertThat(history.get("events").get(7).toString()).isEqualTo("{\"at\":\"2030-03-10T00:00:00Z\","
        + "\"action\":\"archive\",\"version\":2,\"alias\":null,\"run_id\":null,\"metrics\":null,\"validation\":null,"
        + "\"reason\":\"archived from the command line\"}");
    assertThat(asOf.toString()).isEqualTo("{\"name\":\"churn\",\"alias\":\"champion\",\"at\":\"2030-02-01T00:00:00Z\","
        + "\"version\":2,\"ref\":\"churn@v2\"}");
    assertThat(never.get("version").isNull()).isTrue();
  }

  @Test
  void promoteThreeThenRollBackTwiceButNotToAnArchivedVersion() throws IOException {
    ModelRegistry registry = seededVersionsIn(dir);

    List<String> out = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      String reason = i == 3 ? "better recall" : null;
      out.add(ModelsView.promote(registry, "churn@v" + i, "champion", reason, T1.plusSeconds(i)));
    }
    out.add(ModelsView.promote(registry, "churn@v3", "champion", null, T1.plusSeconds(4)));
    out.add(ModelsView.rollback(registry, "churn", "champion", null, T2));
    out.add(ModelsView.rollback(registry, "churn", "champion", "v2 was bad too", T3));

    assertThat(out).containsExactly(
        "churn@champion: none -> v1 (promoted from the command line)\n",
        "churn@champion: v1 -> v2 (promoted from the command line)\n",
        "churn@champion: v2 -> v3 (better recall)\n",
        "churn@champion is already v3; nothing recorded\n",
        "churn@champion: v3 -> v2 (rolled back from the command line)\n",
        "churn@champion: v2 -> v1 (v2 was bad too)\n");
    dev.lakemill.registry.AliasState state = registry.state("churn");
    assertThat(state.events()).extracting(AliasEvent::action, AliasEvent::version, AliasEvent::runId)
        .containsExactly(tuple(AliasAction.PROMOTE, 1, ""), tuple(AliasAction.PROMOTE, 2, ""),
            tuple(AliasAction.PROMOTE, 3, ""), tuple(AliasAction.ROLLBACK, 2, ""), tuple(AliasAction.ROLLBACK, 1, ""));
    assertThat(state.aliases()).isEqualTo(Map.of("champion", 1));
    assertThat(state.previous()).isEmpty();
    assertThatThrownBy(() -> ModelsView.rollback(registry, "churn", "champion", null, T4))
        .isInstanceOf(LakemillException.class)
        .hasMessage("Cannot roll back churn@champion: it has no previous version (v1 is the only one left on its"
            + " history); promote another version instead: lakemill models promote churn@vN --alias champion");
    assertThatThrownBy(() -> ModelsView.rollback(registry, "churn", "champoin", null, T4))
        .hasMessage("Cannot roll back churn@champoin: model 'churn' has no alias 'champoin'; did you mean 'champion'?"
            + " (aliases now: champion=v1)");

    ModelsView.promote(registry, "churn@v3", "champion", null, T4);
    ModelsView.archive(registry, "churn@v1", true, "superseded", T4.plusSeconds(1));
    assertThatThrownBy(() -> ModelsView.rollback(registry, "churn", "champion", null, T5))
        .isInstanceOf(LakemillException.class)
        .hasMessage("Cannot roll back churn@champion to v1: it is archived; unarchive it first with: lakemill models"
            + " unarchive churn@v1");
    state = registry.state("churn");
    assertThat(state.aliases()).isEqualTo(Map.of("champion", 3));
    assertThat(state.previous()).isEqualTo(Map.of("champion", 1));
    assertThat(state.archived()).containsExactly(1);
  }

  @Test
  void archivedVersionsCannotBePromotedAndAliasedVersionsCannotBeArchived() throws IOException {
    ModelRegistry registry = seededVersionsIn(dir);

    List<String> out = new ArrayList<>();
    out.add(ModelsView.archive(registry, "churn@v1", true, null, T1));
    out.add(ModelsView.archive(registry, "churn@v1", true, null, T1.plusSeconds(1)));
    assertThatThrownBy(() -> ModelsView.promote(registry, "churn@v1", "champion", null, T2))
        .isInstanceOf(LakemillException.class)
        .hasMessage("Cannot promote churn@v1: it is archived; unarchive it first with: lakemill models unarchive"
            + " churn@v1");
    out.add(ModelsView.archive(registry, "churn@v1", false, "needed again", T3));
    out.add(ModelsView.archive(registry, "churn@v1", false, null, T3.plusSeconds(1)));
    out.add(ModelsView.promote(registry, "churn@v1", "champion", null, T4));
    assertThatThrownBy(() -> ModelsView.archive(registry, "churn@champion", true, null, T5))
        .isInstanceOf(LakemillException.class)
        .hasMessage("Cannot archive churn@v1: it is churn@champion now; promote another version to that alias (or roll"
            + " it back) first");

    assertThat(out).containsExactly(
        "Archived churn@v1: it cannot be promoted, and vacuum no longer protects its files\n",
        "churn@v1 is already archived; nothing recorded\n",
        "Unarchived churn@v1: it can be promoted again, and vacuum protects its files\n",
        "churn@v1 is not archived; nothing recorded\n",
        "churn@champion: none -> v1 (promoted from the command line)\n");
    dev.lakemill.registry.AliasState state = registry.state("churn");
    assertThat(state.events()).extracting(AliasEvent::action, AliasEvent::alias, AliasEvent::version,
        AliasEvent::at, AliasEvent::reason).containsExactly(
            tuple(AliasAction.ARCHIVE, "", 1, T1, "archived from the command line"),
            tuple(AliasAction.UNARCHIVE, "", 1, T3, "needed again"),
            tuple(AliasAction.PROMOTE, "champion", 1, T4, "promoted from the command line"));
    assertThat(state.archived()).isEmpty();
  }

  @Test
  void errorsSayWhatIsWrongAndHowToFixIt() {
    String registryAt = shared.toAbsolutePath() + "/_lakemill";

    assertInvalid(() -> ModelsView.show(seeded, "chrun"), "Unknown model 'chrun' in the registry at " + registryAt
        + "; did you mean 'churn'? (list them with: lakemill models list)");
    assertInvalid(() -> ModelsView.history(seeded, "zebra"), "Unknown model 'zebra' in the registry at " + registryAt
        + "; use one of churn, fraud (list them with: lakemill models list)");
    assertInvalid(() -> ModelsView.history(registry(dir), "churn"), "Unknown model 'churn': the registry at "
        + dir.toAbsolutePath() + "/_lakemill is empty; a train step registers models (register-as = churn), or pass"
        + " --lakehouse to use another lakehouse");
    assertInvalid(() -> ModelsView.show(seeded, "churn@v9"),
        "Model 'churn' has no version v9: it has v1..v3; see them with: lakemill models history churn");
    assertInvalid(() -> ModelsView.promote(seeded, "churn@v4", "champion", null, T5),
        "Model 'churn' has no version v4: it has v1..v3; see them with: lakemill models history churn");
    assertInvalid(() -> ModelsView.show(seeded, "churn@champoin"), "Model 'churn' has no alias 'champoin'; did you"
        + " mean 'champion'? (aliases now: champion=v1, staging=v3; point one with: lakemill models promote churn@vN"
        + " --alias champoin)");
    assertInvalid(() -> ModelsView.show(seeded, "fraud@prod"), "Model 'fraud' has no alias 'prod' (aliases now: none;"
        + " point one with: lakemill models promote fraud@vN --alias prod)");
    assertInvalid(() -> ModelsView.show(seeded, "churn@"), "Cannot read model reference 'churn@': write NAME@vN"
        + " (N from 1), NAME@ALIAS or NAME, e.g. churn@v3, churn@champion or churn (its latest version)");
    assertInvalid(() -> ModelsView.archive(seeded, "churn@v0", true, null, T5), "Cannot read model reference"
        + " 'churn@v0': write NAME@vN (N from 1) or NAME@ALIAS, e.g. churn@v3 or churn@champion");
    assertInvalid(() -> ModelsView.promote(seeded, "churn", "champion", null, T5),
        "Name a version of 'churn': write churn@vN or churn@ALIAS (latest: churn@v3)");
    assertInvalid(() -> ModelsView.promote(seeded, "churn@v3", "v2", null, T5), "Cannot use alias 'v2': an alias"
        + " starts with a letter, has letters, digits, _ and -, and is not v<number> (that names a version), e.g."
        + " champion or staging");
    assertInvalid(() -> ModelsView.rollback(seeded, "churn@champion", "champion", null, T5), "Cannot read model name"
        + " 'churn@champion': a name starts with a letter and has letters, digits, _ and -, e.g. churn");
    assertInvalid(() -> ModelsView.rollback(seeded, "fraud", "champion", null, T5),
        "Cannot roll back fraud@champion: model 'fraud' has no alias 'champion' (aliases now: none)");
    assertInvalid(() -> ModelsView.rollback(seeded, "chrun", "champion", null, T5), "Unknown model 'chrun' in the"
        + " registry at " + registryAt + "; did you mean 'churn'? (list them with: lakemill models list)");
    assertInvalid(() -> ModelsView.asOf(seeded, "frud", "champion", T5), "Unknown model 'frud' in the registry at "
        + registryAt + "; did you mean 'fraud'? (list them with: lakemill models list)");
    String instants = ": write an ISO-8601 instant such as 2026-11-01T00:00:00Z (or +01:00 for an offset) or a date"
        + " such as 2026-11-01 (start of the day, UTC)";
    assertInvalid(() -> ModelsView.instant("2030-13-01"), "Cannot read --at '2030-13-01'" + instants);
    assertInvalid(() -> ModelsView.instant("yesterday"), "Cannot read --at 'yesterday'" + instants);
    assertThat(seeded.events("churn")).hasSize(5);
  }

  static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    assertThatThrownBy(call).isInstanceOf(LakemillException.class).hasMessage(message);
  }

  /**
   * Every registration and alias move adds a file to a registry table, and every registry read opens the table
   * whole: a write to a table holding DeltaIO.COMPACT_AT_FILES files compacts it into one.
   */
  @Test
  void registryTablesAreCompactedOnceTheyHoldTwentyFiles() throws IOException {
    ModelRegistry registry = seededVersionsIn(dir);
    registry.recordEvent(new AliasEvent("churn", AliasAction.PROMOTE, "champion", 1, T1, "r1", "first"));
    // Nineteen more events, one file each, as nineteen alias moves would leave (here in one commit).
    spark.read().format("delta").load(registry.eventsLocation()).crossJoin(spark.range(19)).drop("id").repartition(19)
        .write().format("delta").mode("append").save(registry.eventsLocation());
    assertThat(files(registry.eventsLocation())).isEqualTo(20);

    registry.recordEvent(new AliasEvent("churn", AliasAction.PROMOTE, "champion", 2, T2, "r2", "second"));

    assertThat(files(registry.eventsLocation())).isEqualTo(1);
    assertThat(io.delta.tables.DeltaTable.forPath(spark, registry.eventsLocation()).history(1)
        .selectExpr("operation", "operationParameters['auto']").collectAsList().toString()).isEqualTo("[[OPTIMIZE,true]]");
    assertThat(spark.read().format("delta").load(registry.eventsLocation()).count()).isEqualTo(21);
    assertThat(registry.aliasesAt("churn", null)).containsEntry("champion", 2);
  }

  private static long files(String table) {
    return spark.sql("DESCRIBE DETAIL delta.`" + table + "`").first().<Long>getAs("numFiles");
  }

  /** Last: each command stops the session it gets, so the shared one is stopped first. */
  @Test
  @Order(Integer.MAX_VALUE)
  void cliExits2OnUnknownModelAndBadInputAndAPromotionPostsAnAssetEvent() throws IOException {
    stopSpark();
    String lake = shared.toString();
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Path credentials = Files.writeString(dir.resolve("airflow.properties"),
        "username=" + FakeAirflow.USER + "\npassword=" + FakeAirflow.PASSWORD + "\n");

    int sessions = SparkSessions.requests();
    CliTest.Outcome list = CliTest.lakemill("models", "list", "--conf", "../conf", "--lakehouse", lake);
    CliTest.Outcome show = CliTest.lakemill("models", "show", "churn@champion", "--conf", "../conf", "--lakehouse", lake);
    CliTest.Outcome unknown = CliTest.lakemill("models", "show", "chrun", "--conf", "../conf", "--lakehouse", lake);
    assertThat(SparkSessions.requests()).as("the read commands read the registry through Delta Kernel, without Spark")
        .isEqualTo(sessions);
    assertThat(list.exit()).as(list.err()).isEqualTo(Lakemill.OK);
    assertThat(list.out()).isEqualTo(ModelsView.list(seeded)).contains("churn");
    assertThat(show.exit()).as(show.err()).isEqualTo(Lakemill.OK);
    assertThat(show.out()).isEqualTo(ModelsView.show(seeded, "churn@champion"));
    CliTest.Outcome badAt = CliTest.lakemill("models", "as-of", "churn", "--at", "soon", "--conf", "../conf",
        "--lakehouse", lake);
    CliTest.Outcome noSubcommand = CliTest.lakemill("models");
    CliTest.Outcome yaml = CliTest.lakemill("models", "list", "--format", "yaml", "--conf", "../conf", "--lakehouse", lake);

    assertThat(unknown.exit()).as(unknown.err()).isEqualTo(Lakemill.INVALID);
    assertThat(unknown.out()).isEmpty();
    assertThat(unknown.err()).isEqualTo("Unknown model 'chrun' in the registry at " + shared.toAbsolutePath()
        + "/_lakemill; did you mean 'churn'? (list them with: lakemill models list)\n");
    assertThat(badAt.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(badAt.err()).startsWith("Cannot read --at 'soon': write an ISO-8601 instant");
    assertThat(noSubcommand.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(noSubcommand.err()).startsWith("Missing required subcommand");
    assertThat(yaml.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(yaml.err()).isEqualTo("Unknown --format 'yaml'; use text or json\n");

    try (FakeAirflow airflow = FakeAirflow.start(3)) {
      airflow.addAsset("lakemill://local/model/churn@staging");
      Files.copy(Path.of("../conf/local.conf"), conf.resolve("local.conf"));
      Files.writeString(conf.resolve("application.conf"), Files.readString(Path.of("../conf/application.conf"))
          + "\nlakemill.airflow { url = \"" + airflow.url() + "\", version = 3, credentials-file = \"" + credentials
          + "\" }\n");

      CliTest.Outcome promote = CliTest.lakemill("models", "promote", "churn@v1", "--alias", "staging", "--conf",
          conf.toString(), "--lakehouse", lake);

      assertThat(promote.exit()).as(promote.err()).isEqualTo(Lakemill.OK);
      assertThat(promote.out()).isEqualTo("churn@staging: v3 -> v1 (promoted from the command line)\n"
          + "Airflow asset event posted for lakemill://local/model/churn@staging (asset 1)\n");
      assertThat(airflow.assetEvents()).extracting(n -> n.get("extra").toString()).containsExactly(
          "{\"model\":\"churn\",\"alias\":\"staging\",\"version\":1,\"from_version\":3,\"action\":\"promote\"}");
    }
  }

  private static org.assertj.core.groups.Tuple tuple(Object... values) {
    return org.assertj.core.groups.Tuple.tuple(values);
  }
}
