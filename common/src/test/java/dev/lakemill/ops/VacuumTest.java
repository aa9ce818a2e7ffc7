package dev.lakemill.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakemill.SparkTestBase;
import dev.lakemill.delta.InputVersion;
import dev.lakemill.drift.ColumnDrift;
import dev.lakemill.drift.ColumnKind;
import dev.lakemill.drift.DatasetDrift;
import dev.lakemill.drift.DriftMethod;
import dev.lakemill.drift.Histogram;
import dev.lakemill.drift.spark.DriftHistory;
import dev.lakemill.registry.AliasAction;
import dev.lakemill.registry.AliasEvent;
import dev.lakemill.registry.ModelLifecycle;
import dev.lakemill.registry.ModelRegistry;
import dev.lakemill.registry.ModelVersion;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Vacuum removes old files, except those a live model version's lineage or holdout still reads. */
class VacuumTest extends SparkTestBase {
  /** Three overwrites: versions 0, 1, 2, each replacing all files of the one before. */
  private void writeThreeVersions(String location) {
    for (int i = 0; i < 3; i++) {
      spark.range(10 * (i + 1)).write().format("delta").mode("overwrite").save(location);
    }
  }

  /** Reads the rows' data (a plain count would be answered from the Delta log's statistics). */
  private static long rowsAt(String location, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(location).collectAsList().size();
  }

  private ModelVersion model(String name, List<InputVersion> lineage, String holdout) {
    return new ModelVersion(name, 0, "run-1", "churn", "train", null, "org.apache.spark.ml.classification.LogisticRegression",
        "classification", Map.of(), "", List.of(), Map.of("areaUnderROC", 0.8), "churned", List.of("age"), "prepare",
        lineage, holdout, 0, "test-fraction=0.2 seed=42", "f", "{}", "test", "4.1.0", "/nowhere");
  }

  @Test
  void keepsTheVersionsThatRegisteredModelsNeed() {
    String silver = lake.location("silver.customers");
    String gold = lake.location("gold.report");
    String holdout = lake.location("_lakemill/holdouts/churn");
    writeThreeVersions(silver);
    writeThreeVersions(gold);
    writeThreeVersions(holdout);
    ModelRegistry registry = new ModelRegistry(spark, lake.location("_lakemill"));
    registry.register(model("churn", List.of(new InputVersion("prepare", silver, 0)), holdout));
    // A read through Kernel keeps a copy of its rows beside the table (_lakemill_rows/): VACUUM leaves it alone.
    dev.lakemill.delta.DeltaIO.Damaged damaged = (latest, cause) ->
        dev.lakemill.delta.TableErrors.damaged("table", gold, latest, cause);
    assertThat(dev.lakemill.delta.KernelTables.of(spark.sessionState().newHadoopConf())
        .rows(gold, List.of("id"), damaged).orElseThrow().rows()).hasSize(30);
    java.nio.file.Path copies = java.nio.file.Path.of(gold, "_lakemill_rows");
    assertThat(copies).isNotEmptyDirectory();

    List<Vacuum.Outcome> outcomes = new Vacuum(spark).run(lakehouse.toString(), 0, false);

    assertThat(outcomes).filteredOn(o -> o.location().equals(silver)).singleElement().satisfies(o -> {
      assertThat(o.keptFrom()).isZero();
      assertThat(o.neededBy()).containsExactly("churn@v1 (prepare@v0)");
      assertThat(o.retainHours()).isEqualTo(1);
      assertThat(o.filesRemoved()).isZero();
    });
    assertThat(outcomes).filteredOn(o -> o.location().equals(gold)).singleElement().satisfies(o -> {
      assertThat(o.keptFrom()).isEqualTo(-1);
      assertThat(o.filesRemoved()).isPositive();
    });
    assertThat(rowsAt(silver, 0)).isEqualTo(10);
    assertThat(rowsAt(holdout, 0)).isEqualTo(10);
    assertThatThrownBy(() -> rowsAt(gold, 0))
        .hasMessageContaining("does not exist");
    assertThat(count(gold)).isEqualTo(30);
    assertThat(copies).isNotEmptyDirectory();
    assertThat(dev.lakemill.delta.KernelTables.of(spark.sessionState().newHadoopConf())
        .rows(gold, List.of("id"), damaged).orElseThrow().rows()).hasSize(30);
  }

  @Test
  void archivedVersionsNoLongerProtectTheirInputsAndDryRunsChangeNothing() {
    String silver = lake.location("silver.customers");
    writeThreeVersions(silver);
    ModelRegistry registry = new ModelRegistry(spark, lake.location("_lakemill"));
    ModelVersion v1 = registry.register(model("churn", List.of(new InputVersion("prepare", silver, 0)), lake.location("none")));
    registry.recordEvent(new AliasEvent("churn", AliasAction.ARCHIVE, "", v1.version(), Instant.now(), "", "test"));

    List<Vacuum.Outcome> dry = new Vacuum(spark).run(lakehouse.toString(), 0, true);
    assertThat(dry).filteredOn(o -> o.location().equals(silver)).singleElement()
        .satisfies(o -> assertThat(o.filesRemoved()).isPositive());
    assertThat(rowsAt(silver, 0)).isEqualTo(10);

    new Vacuum(spark).run(lakehouse.toString(), 0, false);
    assertThatThrownBy(() -> rowsAt(silver, 0))
        .hasMessageContaining("does not exist");
    // The log still holds v0, but its files are gone: unarchive cannot pin it again, and refuses.
    assertThatThrownBy(() -> new ModelLifecycle(registry).archive("churn@v1", false, Instant.now(), "needed again"))
        .isInstanceOf(dev.lakemill.error.LakemillException.class)
        .hasMessage("Cannot unarchive churn@v1: lakemill vacuum removed its lineage pins while it was archived, and"
            + " these versions can no longer be read to pin them again (Delta's log no longer holds them, or vacuum"
            + " removed their files): training input 'prepare', " + silver + " at v0. Nothing was changed: churn@v1"
            + " stays archived and could not be reproduced or compared with. Train a new version instead: run its"
            + " pipeline churn again (lakemill run <its file>)")
        .extracting(e -> ((dev.lakemill.error.LakemillException) e).kind())
        .isEqualTo(dev.lakemill.error.LakemillException.Kind.INVALID_INPUT);
    assertThat(registry.archived("churn")).containsExactly(1);
    assertThat(registry.pins().pinned(silver, 0)).as("no pin of a version whose files are gone").isFalse();
  }
  @Test
  void keepsTheFilesOfDriftReferencesThatLiveModelsPin() {
    String silver = lake.location("silver.customers");
    String other = lake.location("silver.other");
    writeThreeVersions(silver);
    writeThreeVersions(other);
    ModelRegistry registry = new ModelRegistry(spark, lake.location("_lakemill"));
    registry.register(model("churn", List.of(new InputVersion("prepare", other, 2)), lake.location("none")));
    // What a drift step watching churn@v1 with reference = "silver.customers@v0" does at its first run.
    assertThat(registry.pins().pin(silver, 0)).isTrue();
    DriftHistory.Run run = new DriftHistory.Run("r1", LocalDate.parse("2026-11-01"), "churn-nightly", "drift", "churn",
        1, "silver.customers", 0, "gold.churn_scores_daily", 3);
    Histogram h = new Histogram(List.of("a"), new double[0], new long[] {10}, new long[] {10});
    DatasetDrift drift = new DatasetDrift(List.of(new ColumnDrift("age", ColumnKind.NUMERIC, DriftMethod.PSI, 0.01,
        Double.NaN, 0.2, false, 0.0, 10, 10, 0, 0, h)), 0.5);
    spark.createDataFrame(DriftHistory.rows(run, drift, "", Instant.now()), DriftHistory.SCHEMA).write().format("delta")
        .save(lake.location("monitoring.churn_drift"));

    List<Vacuum.Outcome> outcomes = new Vacuum(spark).run(lakehouse.toString(), 0, false);

    assertThat(outcomes).noneMatch(Vacuum.Outcome::pinRemoved);
    assertThat(outcomes).filteredOn(o -> o.location().equals(silver)).singleElement().satisfies(o -> {
      assertThat(o.keptFrom()).isEqualTo(-1);
      assertThat(o.pinnedFiles()).isPositive();
      assertThat(o.filesRemoved()).isPositive();
    });
    assertThat(spark.read().format("delta").load(registry.pins().location(silver, 0)).collectAsList()).hasSize(10);
    assertThatThrownBy(() -> rowsAt(silver, 1))
        .hasMessageContaining("does not exist");
    assertThat(count(silver)).isEqualTo(30);

    registry.recordEvent(new AliasEvent("churn", AliasAction.ARCHIVE, "", 1, Instant.now(), "", "test"));
    assertThat(new Vacuum(spark).run(lakehouse.toString(), 0, false)).filteredOn(Vacuum.Outcome::pinRemoved)
        .extracting(Vacuum.Outcome::location)
        .containsExactly(registry.pins().location(silver, 0), registry.pins().location(other, 2));
    assertThatThrownBy(() -> rowsAt(silver, 0))
        .hasMessageContaining("does not exist");

    // other@v2 is still readable whole: unarchive pins it again.
    new ModelLifecycle(registry).archive("churn@v1", false, Instant.now(), "needed again");
    assertThat(registry.archived("churn")).isEmpty();
    assertThat(registry.pins().pinned(other, 2)).isTrue();
    assertThat(spark.read().format("delta").load(registry.pins().location(other, 2)).collectAsList()).hasSize(30);
  }
}
