package dev.lakemill.jobs;

import dev.lakemill.drift.DriftMethod;
import dev.lakemill.drift.HistoryEntry;
import dev.lakemill.plan.DriftStepPlan;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The text of {@code lakemill drift history}: per run date the dataset verdict, drifted share and
 * on-drift action; then either every column's value by run date (a matrix, {@code *} marks drift) or,
 * with {@code --column}, one line per run date for that column. Tests show p-values (what their
 * threshold applies to), distances their value.
 */
final class DriftHistoryView {
  private DriftHistoryView() {}

  static String render(String pipeline, DriftStepPlan step, List<HistoryEntry> entries, String column) {
    TreeMap<LocalDate, HistoryEntry> datasets = new TreeMap<>();
    entries.stream().filter(HistoryEntry::isDataset).forEach(e -> datasets.put(e.runDate(), e));
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%s: step %s, history %s%n", pipeline, step.name(),
        step.output().name()));
    if (datasets.isEmpty()) {
      return out.append("No drift history yet.\n").toString();
    }
    out.append(String.format(Locale.ROOT, "%-10s  %-12s  %-8s  %-13s  %s%n", "run date", "model", "dataset", "drifted share",
        "action"));
    for (HistoryEntry d : datasets.values()) {
      out.append(String.format(Locale.ROOT, "%-10s  %-12s  %-8s  %-13s  %s", d.runDate(), d.model(),
          d.drifted() ? "DRIFT" : "ok", String.format(Locale.ROOT, "%.2f (>= %.2f)", d.value(), d.threshold()),
          d.action()).stripTrailing()).append('\n');
    }
    Map<String, TreeMap<LocalDate, HistoryEntry>> columns = new LinkedHashMap<>();
    entries.stream().filter(e -> !e.isDataset())
        .forEach(e -> columns.computeIfAbsent(e.column(), k -> new TreeMap<>()).put(e.runDate(), e));
    out.append('\n');
    if (column != null) {
      return out.append(columnLines(column, columns.getOrDefault(column, new TreeMap<>()))).toString();
    }
    return out.append(matrix(datasets.navigableKeySet(), columns)).toString();
  }

  /**
   * One drift step's history as {@code drift history --format json} prints it (docs/OUTPUT.md): the
   * dataset verdict per run date, then each column's values by run date.
   */
  static Map<String, Object> json(DriftStepPlan step, List<HistoryEntry> entries) {
    TreeMap<LocalDate, HistoryEntry> datasets = new TreeMap<>();
    entries.stream().filter(HistoryEntry::isDataset).forEach(e -> datasets.put(e.runDate(), e));
    Map<String, TreeMap<LocalDate, HistoryEntry>> columns = new TreeMap<>();
    entries.stream().filter(e -> !e.isDataset())
        .forEach(e -> columns.computeIfAbsent(e.column(), k -> new TreeMap<>()).put(e.runDate(), e));
    return Json.object("step", step.name(), "history_table", step.output().name(),
        "runs", datasets.values().stream().map(d -> Json.object("run_date", d.runDate(), "model", Json.text(d.model()),
            "drifted", d.drifted(), "drifted_share", d.value(), "threshold", d.threshold(),
            "action", Json.text(d.action()))).toList(),
        "columns", columns.entrySet().stream().map(c -> Json.object("column", c.getKey(),
            "values", c.getValue().values().stream().map(e -> Json.object("run_date", e.runDate(), "method", e.method(),
                "value", e.value(), "p_value", e.pValue(), "threshold", e.threshold(), "drifted", e.drifted()))
                .toList())).toList());
  }

  private static String columnLines(String column, TreeMap<LocalDate, HistoryEntry> byDate) {
    if (byDate.isEmpty()) {
      return "No values of column '" + column + "' on these run dates.\n";
    }
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-10s  %-24s  %-13s  %-10s  %-9s  %s%n",
        "run date", "column", "method", "value", "p-value", "threshold"));
    for (HistoryEntry e : byDate.values()) {
      out.append(String.format(Locale.ROOT, "%-10s  %-24s  %-13s  %-10s  %-9s  %s%s%n", e.runDate(), e.column(),
          e.method(), String.format(Locale.ROOT, "%.4f", e.value()),
          Double.isNaN(e.pValue()) ? "-" : String.format(Locale.ROOT, "%.3g", e.pValue()),
          java.math.BigDecimal.valueOf(e.threshold()).stripTrailingZeros().toPlainString(), e.drifted() ? "  DRIFT" : ""));
    }
    return out.toString();
  }

  private static String matrix(java.util.NavigableSet<LocalDate> dates,
      Map<String, TreeMap<LocalDate, HistoryEntry>> columns) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-24s  %-13s", "column", "method"));
    dates.forEach(d -> out.append(String.format(Locale.ROOT, "  %11s", d)));
    out.append('\n');
    for (String name : new TreeSet<>(columns.keySet())) {
      TreeMap<LocalDate, HistoryEntry> byDate = columns.get(name);
      out.append(String.format(Locale.ROOT, "%-24s  %-13s", name, byDate.lastEntry().getValue().method()));
      for (LocalDate d : dates) {
        HistoryEntry e = byDate.get(d);
        out.append(String.format(Locale.ROOT, "  %11s", e == null ? "-" : cell(e)));
      }
      out.append('\n');
    }
    return out.append("* drifted; tests (ks, chisquare, z) show p=<p-value>, distances their value\n").toString();
  }

  private static String cell(HistoryEntry e) {
    boolean test = DriftMethod.parse(e.method()).map(DriftMethod::isTest).orElse(false);
    String value = test ? "p=" + String.format(Locale.ROOT, "%.2g", e.pValue()) : String.format(Locale.ROOT, "%.4f", e.value());
    return (e.drifted() ? "*" : "") + value;
  }
}
