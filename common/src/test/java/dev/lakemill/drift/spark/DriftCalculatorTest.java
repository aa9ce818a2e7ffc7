package dev.lakemill.drift.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakemill.SparkTestBase;
import dev.lakemill.drift.ColumnDrift;
import dev.lakemill.drift.ColumnKind;
import dev.lakemill.drift.DatasetDrift;
import dev.lakemill.drift.DriftFixtures;
import dev.lakemill.drift.DriftMethod;
import dev.lakemill.drift.DriftOptions;
import dev.lakemill.drift.Histogram;
import dev.lakemill.error.LakemillException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** DriftCalculator on the scipy fixtures: same numbers as the Spark-free metrics, in two jobs. */
class DriftCalculatorTest extends SparkTestBase {
  private static final List<DriftMethod> HISTOGRAM_METHODS =
      List.of(DriftMethod.PSI, DriftMethod.JENSENSHANNON, DriftMethod.CHISQUARE, DriftMethod.Z);

  @Test
  void defaultMethodsGiveScipyValuesAndCountNulls() {
    for (String table : List.of("small", "large")) {
      List<JsonNode> fixtures = DriftFixtures.columns(table);
      DatasetDrift drift = DriftCalculator.compute(data(table, "reference"), data(table, "current"), names(fixtures),
          DriftOptions.defaults(), 0.5);
      JsonNode rows = DriftFixtures.root().path("tables").path(table);
      for (int i = 0; i < fixtures.size(); i++) {
        JsonNode expected = fixtures.get(i).path("expected");
        ColumnDrift c = drift.columns().get(i);
        assertThat(c.column()).isEqualTo(fixtures.get(i).path("name").asText());
        assertThat(c.method().configName()).as(c.column()).isEqualTo(expected.path("defaultMethod").asText());
        assertThat(c.kind()).as(c.column()).isEqualTo(ColumnKind.valueOf(expected.path("kind").asText()));
        assertMatches(c, expected);
        assertThat(c.referenceRows()).isEqualTo(rows.path("referenceRows").asLong());
        assertThat(c.currentRows()).isEqualTo(rows.path("currentRows").asLong());
        assertThat(c.referenceNulls()).as(c.column()).isEqualTo(nulls(fixtures.get(i).path("reference")));
        assertThat(c.currentNulls()).as(c.column()).isEqualTo(nulls(fixtures.get(i).path("current")));
        assertThat(c.drifted()).isEqualTo(c.method().drifted(c.value(), c.pValue(), c.threshold()));
      }
      assertThat(drift.drifted()).isEqualTo(drift.driftedShare() >= 0.5);
      if (table.equals("small")) {
        ColumnDrift withNulls = drift.columns().get(names(fixtures).indexOf("with_nulls"));
        assertThat(withNulls.referenceNulls()).isEqualTo(20);
        assertThat(withNulls.currentNulls()).isEqualTo(15);
      }
    }
  }

  @Test
  void everyMethodGivesScipyValues() {
    List<DriftMethod> methods = new ArrayList<>(HISTOGRAM_METHODS);
    methods.addAll(List.of(DriftMethod.KS, DriftMethod.WASSERSTEIN));
    for (String table : List.of("small", "large")) {
      Wide wide = wide(table, methods, f -> true);
      DatasetDrift drift = DriftCalculator.compute(wide.reference, wide.current, wide.names,
          new DriftOptions(wide.methods, Map.of(), DriftOptions.DEFAULT_EXACT_MAX_ROWS), 0.5);
      for (int i = 0; i < wide.names.size(); i++) {
        assertThat(drift.columns().get(i).method()).isEqualTo(wide.methods.get(wide.names.get(i)));
        assertMatches(drift.columns().get(i), wide.expected.get(i));
      }
    }
  }

  @Test
  void aboveExactMaxRowsKsAndWassersteinStayWithinTheirErrorBound() {
    for (String table : List.of("small", "large")) {
      Wide wide = wide(table, List.of(DriftMethod.KS, DriftMethod.WASSERSTEIN),
          f -> f.path("expected").path("distinct").asLong() > 20);
      for (int fineBins : new int[] {DriftCalculator.FINE_BINS, 40}) {
        DatasetDrift drift = DriftCalculator.compute(wide.reference, wide.current, wide.names,
            new DriftOptions(wide.methods, Map.of(), 50), 0.5, fineBins);
        for (int i = 0; i < wide.names.size(); i++) {
          ColumnDrift c = drift.columns().get(i);
          JsonNode expected = wide.expected.get(i);
          double exact = c.method() == DriftMethod.KS
              ? expected.path("ks").path("statistic").asDouble()
              : expected.path("wasserstein").asDouble();
          String what = c.column() + " in " + fineBins + " fine bins: " + c.value() + " +- " + c.errorBound();
          assertThat(Math.abs(c.value() - exact)).as(what).isLessThanOrEqualTo(c.errorBound() + 1e-12);
          if (fineBins == 40 && !c.column().startsWith("ties")) {
            assertThat(c.errorBound()).as(what).isPositive();
          }
          assertThat(c.histogram().edges()).as("Sturges edges for the report").isNotEmpty();
        }
      }
    }
  }

  @Test
  void jobCountDoesNotGrowWithColumns() throws Exception {
    List<String> all = names(DriftFixtures.columns("small"));
    List<String> three = List.of("normal_shift", "city", "flag");
    AtomicInteger jobs = new AtomicInteger();
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart jobStart) {
        jobs.incrementAndGet();
      }
    };
    Dataset<Row> ref = data("small", "reference");
    Dataset<Row> cur = data("small", "current");
    spark.sparkContext().addSparkListener(listener);
    try {
      DriftCalculator.compute(ref, cur, three, DriftOptions.defaults(), 0.5);
      spark.sparkContext().listenerBus().waitUntilEmpty();
      int forThree = jobs.getAndSet(0);
      DriftCalculator.compute(ref, cur, all, DriftOptions.defaults(), 0.5);
      spark.sparkContext().listenerBus().waitUntilEmpty();
      assertThat(all).hasSize(12);
      assertThat(jobs.get()).isEqualTo(forThree).isLessThanOrEqualTo(4);
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
  }

  @Test
  void nanAndInfinityCountAsNulls() {
    StructType schema = new StructType().add("x", DataTypes.DoubleType);
    Dataset<Row> ref = spark.createDataFrame(List.of(RowFactory.create(1.0), RowFactory.create(Double.NaN),
        RowFactory.create(2.0), RowFactory.create((Object) null)), schema);
    Dataset<Row> cur = spark.createDataFrame(List.of(RowFactory.create(1.0), RowFactory.create(
        Double.POSITIVE_INFINITY), RowFactory.create(3.0)), schema);
    ColumnDrift c = DriftCalculator.compute(ref, cur, List.of("x"), DriftOptions.defaults(), 0.5).columns().get(0);
    assertThat(c.referenceNulls()).isEqualTo(2);
    assertThat(c.currentNulls()).isEqualTo(1);
    assertThat(c.histogram().labels()).containsExactly("1", "2", "3");
    assertThat(c.method()).isEqualTo(DriftMethod.CHISQUARE);
  }

  @Test
  void anEmptySideGivesNoVerdict() {
    StructType schema = new StructType().add("x", DataTypes.DoubleType).add("s", DataTypes.StringType);
    Dataset<Row> ref = spark.createDataFrame(List.of(RowFactory.create(1.0, "a"), RowFactory.create(2.0, "b")),
        schema);
    Dataset<Row> empty = spark.createDataFrame(List.of(), schema);
    DatasetDrift drift = DriftCalculator.compute(ref, empty, List.of("x", "s"), DriftOptions.defaults(), 0.5);
    assertThat(drift.columns()).allSatisfy(c -> {
      assertThat(c.value()).isNaN();
      assertThat(c.drifted()).isFalse();
      assertThat(c.currentRows()).isZero();
    });
    assertThat(DriftCalculator.compute(empty, empty, List.of("x", "s"), DriftOptions.defaults(), 0.5).drifted())
        .isFalse();
  }

  @Test
  void rejectsColumnsItCannotCompare() {
    Dataset<Row> ref = spark.sql("SELECT 1.0 AS x, 'a' AS s, map('k', 1) AS m");
    Dataset<Row> cur = spark.sql("SELECT 'b' AS x, 'a' AS s, map('k', 1) AS m");
    DriftOptions defaults = DriftOptions.defaults();
    assertThatThrownBy(() -> DriftCalculator.compute(ref, cur, List.of("y"), defaults, 0.5))
        .isInstanceOf(LakemillException.class)
        .hasMessage("Cannot compute drift of column 'y': it is not in the reference data (columns: x, s, m)");
    assertThatThrownBy(() -> DriftCalculator.compute(ref, cur, List.of("m"), defaults, 0.5))
        .isInstanceOf(LakemillException.class)
        .hasMessage("Cannot compute drift of column 'm' of type map<string,int>: drift compares numeric, string and"
            + " boolean columns; project it to one of those first (e.g. a probability vector to its positive-class"
            + " element)");
    assertThatThrownBy(() -> DriftCalculator.compute(ref, cur, List.of("x"), defaults, 0.5))
        .isInstanceOf(LakemillException.class)
        .hasMessage("Cannot compute drift of column 'x': it is numeric (decimal(2,1)) in the reference data but"
            + " string (string) in the current data");
    DriftOptions ksOnText = new DriftOptions(Map.of("s", DriftMethod.KS), Map.of(), 10);
    assertThatThrownBy(() -> DriftCalculator.compute(ref, cur, List.of("s"), ksOnText, 0.5))
        .isInstanceOf(LakemillException.class)
        .hasMessage("Cannot use ks on column 's' of type string: ks and wasserstein compare numeric columns;"
            + " use chisquare, z, psi or jensenshannon");
    assertThatThrownBy(() -> DriftCalculator.compute(ref, cur, List.of("s", "s"), defaults, 0.5))
        .isInstanceOf(LakemillException.class)
        .hasMessage("Cannot compute drift of column 's' twice: list each column once");
    assertThatThrownBy(() -> DriftCalculator.compute(ref, cur, List.of("s"), defaults, 1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("The dataset drift share must be between 0 and 1, got 1.5");
  }

  @Test
  void reportHistogramKeepsTheMostFrequentCategories() {
    List<String> labels = new ArrayList<>();
    long[] ref = new long[60];
    long[] cur = new long[60];
    for (int i = 0; i < 60; i++) {
      labels.add("v" + i);
      ref[i] = i;
      cur[i] = 1;
    }
    Histogram capped = DriftCalculator.capped(new Histogram(labels, new double[0], ref, cur));
    assertThat(capped.bins()).isEqualTo(DriftCalculator.REPORT_CATEGORIES + 1);
    assertThat(capped.labels().get(0)).isEqualTo("v10");
    assertThat(capped.labels().get(50)).isEqualTo(DriftCalculator.OTHER);
    assertThat(capped.reference()[50]).isEqualTo(45); // 0 + 1 + ... + 9
    assertThat(capped.current()[50]).isEqualTo(10);
  }

  private static void assertMatches(ColumnDrift c, JsonNode expected) {
    FixtureFrames.assertMatches(c.column() + " " + c.method().configName(), c.method(), c.value(), c.pValue(),
        c.errorBound(), expected);
  }

  /** Both sides with each fixture column once per method, named "column method", and those methods. */
  private record Wide(Dataset<Row> reference, Dataset<Row> current, List<String> names,
      Map<String, DriftMethod> methods, List<JsonNode> expected) {}

  private static Wide wide(String table, List<DriftMethod> methods, java.util.function.Predicate<JsonNode> keep) {
    List<org.apache.spark.sql.Column> select = new ArrayList<>();
    List<String> names = new ArrayList<>();
    Map<String, DriftMethod> overrides = new java.util.HashMap<>();
    List<JsonNode> expected = new ArrayList<>();
    for (JsonNode f : DriftFixtures.columns(table)) {
      for (DriftMethod method : methods) {
        if (keep.test(f) && (!method.needsNumericValues() || DriftFixtures.isNumeric(f))) {
          String name = f.path("name").asText() + " " + method.configName();
          select.add(org.apache.spark.sql.functions.col(f.path("name").asText()).as(name));
          names.add(name);
          overrides.put(name, method);
          expected.add(f.path("expected"));
        }
      }
    }
    org.apache.spark.sql.Column[] columns = select.toArray(new org.apache.spark.sql.Column[0]);
    return new Wide(data(table, "reference").select(columns), data(table, "current").select(columns), names,
        overrides, expected);
  }

  private static List<String> names(List<JsonNode> fixtures) {
    return fixtures.stream().map(f -> f.path("name").asText()).toList();
  }

  private static long nulls(JsonNode values) {
    long n = 0;
    for (JsonNode v : values) {
      n += v.isNull() ? 1 : 0;
    }
    return n;
  }

  /** One side of a fixture table as a DataFrame, one column per fixture column. */
  private static Dataset<Row> data(String table, String side) {
    return FixtureFrames.data(spark, table, side);
  }
}
