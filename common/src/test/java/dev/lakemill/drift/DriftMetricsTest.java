package dev.lakemill.drift;

import static dev.lakemill.drift.DriftFixtures.doubles;
import static dev.lakemill.drift.DriftFixtures.longs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every metric against numpy/scipy on the fixture columns (see make_fixtures.py). */
class DriftMetricsTest {
  static Stream<JsonNode> columns() {
    return DriftFixtures.allColumns().stream();
  }

  static Stream<JsonNode> numericColumns() {
    return columns().filter(DriftFixtures::isNumeric);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("columns")
  void binsMatchNumpy(JsonNode column) {
    JsonNode bins = column.path("expected").path("bins");
    Histogram h = histogram(column);
    assertThat(h.reference()).containsExactly(longs(bins.path("reference")));
    assertThat(h.current()).containsExactly(longs(bins.path("current")));
    if (bins.has("edges")) {
      assertThat(h.edges()).containsExactly(doubles(bins.path("edges")));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("columns")
  void histogramMetricsMatchScipy(JsonNode column) {
    JsonNode expected = column.path("expected");
    ColumnSummary summary = ColumnSummary.categorical(histogram(column));
    assertClose(DriftMetric.of(DriftMethod.PSI).compute(summary).value(), expected.path("psi").asDouble(), 1e-12);
    assertClose(DriftMetric.of(DriftMethod.JENSENSHANNON).compute(summary).value(),
        expected.path("jensenshannon").asDouble(), 1e-12);
    MetricValue chi = DriftMetric.of(DriftMethod.CHISQUARE).compute(summary);
    assertClose(chi.value(), expected.path("chisquare").path("statistic").asDouble(), 1e-12);
    assertClose(chi.pValue(), expected.path("chisquare").path("pValue").asDouble(), 1e-9);
    MetricValue z = DriftMetric.of(DriftMethod.Z).compute(summary);
    assertClose(z.value(), expected.path("z").path("statistic").asDouble(), 1e-12);
    assertClose(z.pValue(), expected.path("z").path("pValue").asDouble(), 1e-9);
    assertThat(chi.errorBound()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("numericColumns")
  void ksAndWassersteinMatchScipy(JsonNode column) {
    JsonNode expected = column.path("expected");
    SampleSummary samples = SampleSummary.ofValues(
        DriftFixtures.values(column, "reference"), DriftFixtures.values(column, "current"));
    assertThat(samples.isExact()).isTrue();
    assertClose(samples.referenceStd(), expected.path("referenceStd").asDouble(), 1e-12);
    ColumnSummary summary = new ColumnSummary(histogram(column), samples, samples.referenceStd());
    MetricValue ks = DriftMetric.of(DriftMethod.KS).compute(summary);
    assertClose(ks.value(), expected.path("ks").path("statistic").asDouble(), 1e-12);
    assertClose(ks.pValue(), expected.path("ks").path("pValue").asDouble(), 1e-9);
    assertThat(ks.errorBound()).isZero();
    assertClose(KsMetric.asymptoticPValue(ks.value(), samples.referenceCount(), samples.currentCount()),
        expected.path("ks").path("pValueAsymp").asDouble(), 1e-9);
    MetricValue w = DriftMetric.of(DriftMethod.WASSERSTEIN).compute(summary);
    assertClose(w.value(), expected.path("wasserstein").asDouble(), 1e-11);
    assertThat(w.errorBound()).isZero();
    assertThat(w.pValue()).isNaN();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("columns")
  void defaultMethodAndKindFollowEvidently(JsonNode column) {
    JsonNode expected = column.path("expected");
    long distinct = expected.path("distinct").asLong();
    ColumnKind kind = ColumnKind.of(DriftFixtures.isNumeric(column), distinct);
    assertThat(kind.name()).isEqualTo(expected.path("kind").asText());
    long referenceValues = DriftFixtures.labels(column, "reference").size();
    assertThat(DriftMethod.defaultFor(kind, distinct, referenceValues).configName())
        .isEqualTo(expected.path("defaultMethod").asText());
  }

  @Test
  void defaultMethodThresholds() {
    assertThat(DriftMethod.defaultFor(ColumnKind.NUMERIC, 6, 1000)).isEqualTo(DriftMethod.KS);
    assertThat(DriftMethod.defaultFor(ColumnKind.NUMERIC, 6, 1001)).isEqualTo(DriftMethod.WASSERSTEIN);
    assertThat(DriftMethod.defaultFor(ColumnKind.CATEGORICAL, 3, 1000)).isEqualTo(DriftMethod.CHISQUARE);
    assertThat(DriftMethod.defaultFor(ColumnKind.CATEGORICAL, 2, 1000)).isEqualTo(DriftMethod.Z);
    assertThat(DriftMethod.defaultFor(ColumnKind.CATEGORICAL, 2, 1001)).isEqualTo(DriftMethod.JENSENSHANNON);
    assertThat(ColumnKind.of(true, 5)).isEqualTo(ColumnKind.CATEGORICAL);
    assertThat(ColumnKind.of(true, 6)).isEqualTo(ColumnKind.NUMERIC);
    assertThat(ColumnKind.of(false, 600)).isEqualTo(ColumnKind.CATEGORICAL);
  }

  @Test
  void thresholdsJudgeTestsByPValueAndDistancesByValue() {
    assertThat(DriftMethod.KS.drifted(0.9, 0.0499, 0.05)).isTrue();
    assertThat(DriftMethod.KS.drifted(0.9, 0.05, 0.05)).isFalse();
    assertThat(DriftMethod.PSI.drifted(0.1, Double.NaN, 0.1)).isTrue();
    assertThat(DriftMethod.PSI.drifted(0.0999, Double.NaN, 0.1)).isFalse();
    assertThat(DriftMethod.CHISQUARE.drifted(0.0, Double.NaN, 0.05)).isFalse();
  }

  @Test
  void psiFillsZeroSharesPerSide() {
    // Smallest non-zero share 0.5 > 1e-4: zeros become 1e-4.
    assertThat(PsiMetric.fillZeros(new double[] {0.5, 0.0, 0.5})).containsExactly(0.5, 1e-4, 0.5);
    // Smallest non-zero share 5e-5 <= 1e-4: zeros become 5e-5 / 1e6.
    assertThat(PsiMetric.fillZeros(new double[] {5e-5, 0.0, 1 - 5e-5})).containsExactly(5e-5, 5e-11, 1 - 5e-5);
    double r1 = 0.5;
    double c1 = 0.25;
    double expected = (r1 - c1) * Math.log(r1 / c1) + (1e-4 - 0.25) * Math.log(1e-4 / 0.25)
        + (0.5 - 0.5) * Math.log(1.0);
    assertClose(PsiMetric.psi(new long[] {2, 0, 2}, new long[] {1, 1, 2}), expected, 1e-15);
  }

  @Test
  void kolmogorovTailMatchesScipyOnEveryBranch() {
    for (JsonNode c : DriftFixtures.root().path("kolmogorovSf")) {
      long n = c.path("n").asLong();
      double x = c.path("x").asDouble();
      assertClose(KolmogorovDistribution.sf(n, x), c.path("sf").asDouble(), 1e-9, "kstwo.sf(" + x + ", " + n + ")");
    }
  }

  @Test
  void twoSampleKsPValuesMatchScipy() {
    for (JsonNode c : DriftFixtures.root().path("ksPValues")) {
      long n1 = c.path("n1").asLong();
      long n2 = c.path("n2").asLong();
      double d = c.path("d").asDouble();
      String what = "ks_2samp n1=" + n1 + " n2=" + n2 + " d=" + d;
      assertClose(KsMetric.statisticAndPValue(d, n1, n2)[1], c.path("pValue").asDouble(), 1e-9, what);
      assertClose(KsMetric.asymptoticPValue(d, n1, n2), c.path("pValueAsymp").asDouble(), 1e-9, what + " asymp");
    }
  }

  @Test
  void sturgesEdgesMatchNumpy() {
    for (JsonNode c : DriftFixtures.root().path("sturges")) {
      double[] edges = Bins.sturgesEdges(c.path("size").asLong(), c.path("min").asDouble(), c.path("max").asDouble(),
          c.path("integral").asBoolean());
      assertThat(edges).as(c.path("name").asText()).containsExactly(doubles(c.path("edges")));
    }
  }

  @Test
  void binIndexFollowsNumpyEdgesWithTheLastBinClosed() {
    double[] edges = Bins.linspace(0.0, 1.0, 10);
    assertThat(Bins.indexOf(edges, 0.0)).isZero();
    assertThat(Bins.indexOf(edges, edges[3])).isEqualTo(3);
    assertThat(Bins.indexOf(edges, Math.nextDown(edges[3]))).isEqualTo(2);
    assertThat(Bins.indexOf(edges, 1.0)).isEqualTo(9);
    assertThat(Bins.indexOf(edges, 1.5)).isEqualTo(-1);
    assertThat(Bins.labels(Bins.linspace(0.0, 1.0, 2))).containsExactly("[0, 0.5)", "[0.5, 1]");
  }

  @Test
  void binnedCellsBoundKsAndWasserstein() {
    for (JsonNode column : numericColumns().toList()) {
      double[] ref = DriftFixtures.values(column, "reference");
      double[] cur = DriftFixtures.values(column, "current");
      SampleSummary exact = SampleSummary.ofValues(ref, cur);
      double std = exact.referenceStd();
      for (int bins : new int[] {3, 10, 40}) {
        SampleSummary binned = binned(ref, cur, bins);
        MetricValue ks = KsMetric.test(binned);
        MetricValue w = WassersteinMetric.normed(binned, std);
        double exactKs = KsMetric.test(exact).value();
        double exactW = WassersteinMetric.normed(exact, std).value();
        String what = column.path("name").asText() + " in " + bins + " bins";
        assertThat(Math.abs(ks.value() - exactKs)).as(what).isLessThanOrEqualTo(ks.errorBound() + 1e-12);
        assertThat(Math.abs(w.value() - exactW)).as(what).isLessThanOrEqualTo(w.errorBound() + 1e-12);
        assertThat(ks.errorBound()).as(what).isLessThanOrEqualTo(1.0);
      }
    }
    // Values on a 0.1 grid in 10,000 bins: every cell holds one value, so the result is exact.
    JsonNode ties = numericColumns().filter(c -> c.path("name").asText().equals("ties")).findFirst().orElseThrow();
    SampleSummary fine = binned(DriftFixtures.values(ties, "reference"), DriftFixtures.values(ties, "current"), 10_000);
    assertThat(fine.isExact()).isTrue();
    assertThat(KsMetric.test(fine).errorBound()).isZero();
  }

  @Test
  void cellsMustBeAscendingAndDisjoint() {
    assertThatThrownBy(() -> SampleSummary.ofCells(new double[] {0, 1}, new double[] {1.5, 2}, new long[] {1, 1},
        new long[] {0, 0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("SampleSummary cells must be ascending and disjoint, cell 1 is [1.0, 2.0]");
    assertThatThrownBy(() -> DriftMetric.of(DriftMethod.KS).compute(ColumnSummary.categorical(
        new Histogram(List.of("a"), new double[0], new long[] {1}, new long[] {1}))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ks needs the values of a numeric column");
  }

  @Test
  void emptySampleGivesNoVerdict() {
    MetricValue v = KsMetric.test(SampleSummary.ofValues(new double[0], new double[] {1, 2}));
    assertThat(v.value()).isNaN();
    assertThat(DriftMethod.KS.drifted(v.value(), v.pValue(), 0.05)).isFalse();
    assertThat(PsiMetric.psi(new long[] {0, 0}, new long[] {1, 2})).isNaN();
  }

  /** Equal-width cells over both samples, each with its smallest and largest value. */
  static SampleSummary binned(double[] ref, double[] cur, int bins) {
    double min = Math.min(Arrays.stream(ref).min().orElseThrow(), Arrays.stream(cur).min().orElseThrow());
    double max = Math.max(Arrays.stream(ref).max().orElseThrow(), Arrays.stream(cur).max().orElseThrow());
    double[] edges = Bins.linspace(min, max, bins);
    double[] low = new double[bins];
    double[] high = new double[bins];
    Arrays.fill(low, Double.POSITIVE_INFINITY);
    Arrays.fill(high, Double.NEGATIVE_INFINITY);
    long[] r = new long[bins];
    long[] c = new long[bins];
    for (int side = 0; side < 2; side++) {
      for (double v : side == 0 ? ref : cur) {
        int i = Bins.indexOf(edges, v);
        (side == 0 ? r : c)[i]++;
        low[i] = Math.min(low[i], v);
        high[i] = Math.max(high[i], v);
      }
    }
    for (int i = 0; i < bins; i++) {
      if (r[i] + c[i] == 0) {
        low[i] = high[i] = edges[i];
      }
    }
    return SampleSummary.ofCells(low, high, r, c);
  }

  /** The histogram the definitions ask for, built from the raw fixture values. */
  static Histogram histogram(JsonNode column) {
    JsonNode expected = column.path("expected");
    if (DriftFixtures.isNumeric(column) && expected.path("referenceDistinct").asLong() > 20) {
      double[] ref = DriftFixtures.values(column, "reference");
      double[] cur = DriftFixtures.values(column, "current");
      double min = Math.min(Arrays.stream(ref).min().orElseThrow(), Arrays.stream(cur).min().orElseThrow());
      double max = Math.max(Arrays.stream(ref).max().orElseThrow(), Arrays.stream(cur).max().orElseThrow());
      double[] edges = Bins.sturgesEdges(ref.length + cur.length, min, max, column.path("type").asText().equals("int"));
      long[] r = new long[edges.length - 1];
      long[] c = new long[edges.length - 1];
      Arrays.stream(ref).forEach(v -> r[Bins.indexOf(edges, v)]++);
      Arrays.stream(cur).forEach(v -> c[Bins.indexOf(edges, v)]++);
      return new Histogram(List.of(Bins.labels(edges)), edges, r, c);
    }
    List<String> keys = new ArrayList<>();
    expected.path("bins").path("keys").forEach(k -> keys.add(k.asText()));
    List<String> ref = DriftFixtures.labels(column, "reference");
    List<String> cur = DriftFixtures.labels(column, "current");
    long[] r = new long[keys.size()];
    long[] c = new long[keys.size()];
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      boolean numeric = DriftFixtures.isNumeric(column);
      r[i] = ref.stream().filter(v -> same(v, key, numeric)).count();
      c[i] = cur.stream().filter(v -> same(v, key, numeric)).count();
    }
    return new Histogram(keys, new double[0], r, c);
  }

  private static boolean same(String value, String key, boolean numeric) {
    return numeric ? Double.parseDouble(value) == Double.parseDouble(key) : value.equals(key);
  }

  static void assertClose(double actual, double expected, double relative) {
    assertClose(actual, expected, relative, "");
  }

  static void assertClose(double actual, double expected, double relative, String what) {
    if (Double.isNaN(expected) || Double.isInfinite(expected)) {
      assertThat(Double.valueOf(actual)).as(what).isEqualTo(Double.valueOf(expected));
      return;
    }
    assertThat(Math.abs(actual - expected)).as(what + ": " + actual + " vs scipy " + expected)
        .isLessThanOrEqualTo(relative * Math.abs(expected) + 1e-300);
  }
}
