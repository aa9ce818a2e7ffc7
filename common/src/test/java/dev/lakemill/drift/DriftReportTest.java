package dev.lakemill.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** The HTML report, parsed as XML: structure, order, escaping, and nothing loaded from the network. */
class DriftReportTest {
  private static final LocalDate DAY = LocalDate.parse("2026-11-26");

  private static ColumnDrift numeric(String name, DriftMethod method, double value, double p, double threshold) {
    Histogram h = new Histogram(List.of("[0, 5)", "[5, 10]"), new double[] {0, 5, 10}, new long[] {60, 40},
        new long[] {20, 80});
    return new ColumnDrift(name, ColumnKind.NUMERIC, method, value, p, threshold, method.drifted(value, p, threshold),
        0.0, 100, 100, 0, 3, h);
  }

  private static ColumnDrift categorical(String name, double value) {
    Histogram h = new Histogram(List.of("basic", "<premium & \"co\">"), new double[0], new long[] {70, 30},
        new long[] {50, 50});
    return new ColumnDrift(name, ColumnKind.CATEGORICAL, DriftMethod.JENSENSHANNON, value, Double.NaN, 0.1,
        value >= 0.1, 0.0, 100, 100, 0, 0, h);
  }

  private static final DatasetDrift DRIFT = new DatasetDrift(List.of(
      numeric("age", DriftMethod.WASSERSTEIN, 0.15, Double.NaN, 0.1),
      categorical("<plan> & 'tier'", 0.02),
      numeric("support_calls", DriftMethod.KS, 0.4, 1e-9, 0.05),
      numeric("tenure", DriftMethod.WASSERSTEIN, 0.05, Double.NaN, 0.1)), 0.5);

  private static final DriftReport.Header HEADER = new DriftReport.Header("churn-nightly", "drift", "churn@v3",
      "silver.customers@v7 (training rows of churn@v3)", "gold.churn_scores_daily@v12", DAY,
      "would trigger pipeline churn (Airflow client not configured)");

  private static Document parse(String html) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(html)));
  }

  private static List<String> texts(Document page, String tag, String className) {
    List<String> out = new ArrayList<>();
    NodeList nodes = page.getElementsByTagName(tag);
    for (int i = 0; i < nodes.getLength(); i++) {
      Element e = (Element) nodes.item(i);
      if (className == null || e.getAttribute("class").equals(className)) {
        out.add(e.getTextContent());
      }
    }
    return out;
  }

  @Test
  void oneChartPerColumnSortedBySeverityWithEveryValue() throws Exception {
    String html = DriftReport.render(HEADER, DRIFT, List.of());
    Document page = parse(html);

    assertThat(texts(page, "h1", null)).containsExactly("Data drift: DRIFT DETECTED");
    assertThat(texts(page, "td", null)).contains("churn-nightly (step drift)", "churn@v3",
        "silver.customers@v7 (training rows of churn@v3)", "gold.churn_scores_daily@v12", "2026-11-26",
        "2 of 4 columns drifted (share 0.5, dataset drift at 0.5)",
        "would trigger pipeline churn (Airflow client not configured)");
    assertThat(texts(page, "svg", "hist")).hasSize(4);
    assertThat(texts(page, "svg", "trend")).isEmpty();
    // Drifted first, the KS test (p far below its threshold) before the distance 1.5x its threshold.
    assertThat(texts(page, "h3", null)).containsExactly("support_calls drifted", "age drifted",
        "tenure no drift", "<plan> & 'tier' no drift");
    assertThat(texts(page, "p", "stats")).contains(
        "ks = 0.4, p-value 1.000e-09 (drift below 0.05); rows 100 / 100, nulls 0.0% / 3.0%",
        "wasserstein = 0.15 (drift at or above 0.1); rows 100 / 100, nulls 0.0% / 3.0%");
    assertThat(html).contains("&lt;plan&gt; &amp; &#39;tier&#39;", "&lt;premium &amp; &quot;co&quot;&gt;")
        .doesNotContain("<plan>", "http://", "https://", "<script", "src=", "@import");
  }

  @Test
  void trendsWhenTheHistoryHasSeveralRunDates() throws Exception {
    List<HistoryEntry> history = new ArrayList<>();
    for (int day = 1; day <= 3; day++) {
      LocalDate date = DAY.minusDays(3 - day);
      history.add(new HistoryEntry(date, HistoryEntry.DATASET, "*", "share", 0.25, Double.NaN, 0.5, false, "churn@v3", ""));
      history.add(new HistoryEntry(date, HistoryEntry.COLUMN, "age", "wasserstein", 0.05 * day, Double.NaN, 0.1,
          day == 3, "churn@v3", ""));
    }
    history.add(new HistoryEntry(DAY, HistoryEntry.COLUMN, "support_calls", "ks", 0.4, 1e-9, 0.05, true, "churn@v3", ""));

    Document page = parse(DriftReport.render(HEADER, DRIFT, history));

    assertThat(texts(page, "svg", "trend")).as("only age has two run dates or more").hasSize(1);
    assertThat(texts(page, "svg", "trend").get(0)).contains("2026-11-24: wasserstein 0.05",
        "2026-11-26: wasserstein 0.15 (drifted)");
  }

  @Test
  void noDriftSaysSoAndShowsNoAction() throws Exception {
    DatasetDrift calm = new DatasetDrift(List.of(numeric("age", DriftMethod.PSI, 0.01, Double.NaN, 0.1)), 0.5);
    DriftReport.Header header = new DriftReport.Header("p", "s", "m@v1", "r", "c", DAY, "");

    Document page = parse(DriftReport.render(header, calm, List.of()));

    assertThat(texts(page, "h1", null)).containsExactly("Data drift: no drift");
    assertThat(texts(page, "th", null)).doesNotContain("On drift");
  }

  @Test
  void numbersKeepFourSignificantDigits() {
    assertThat(DriftReport.num(0.123456)).isEqualTo("0.1235");
    assertThat(DriftReport.num(2.0)).isEqualTo("2");
    assertThat(DriftReport.num(1e-9)).isEqualTo("1.000e-09");
    assertThat(DriftReport.num(Double.NaN)).isEqualTo("-");
  }
}
