package dev.lakemill.jobs;

import dev.lakemill.delta.InputVersion;
import dev.lakemill.plan.ProblemType;
import dev.lakemill.registry.AliasAction;
import dev.lakemill.registry.AliasEvent;
import dev.lakemill.registry.AliasState;
import dev.lakemill.registry.ModelLifecycle;
import dev.lakemill.registry.ModelRegistry;
import dev.lakemill.registry.ModelVersion;
import dev.lakemill.registry.TuningResult;
import dev.lakemill.registry.Validation;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the {@code lakemill models} subcommands print. Each method takes the registry and returns the
 * text to print; lookups and changes go through {@link ModelLifecycle}, which holds the registry's
 * rules. A user error (unknown model, version or alias, bad syntax, a refused change) throws the
 * registry's {@link dev.lakemill.registry.RegistryException} (exit code 2), whose message says what is
 * wrong and how to fix it.
 */
final class ModelsView {
  static final String PROMOTE_REASON = "promoted from the command line";
  static final String ROLLBACK_REASON = "rolled back from the command line";
  static final String ARCHIVE_REASON = "archived from the command line";
  static final String UNARCHIVE_REASON = "unarchived from the command line";

  private static final String INDENT = " ".repeat(15);

  /** The answer of {@code as-of}: the version, or 0 when the alias pointed nowhere then. */
  record AsOf(int version, String text) {}

  private ModelsView() {}

  /** One line per model: versions, latest, aliases now, archived versions. */
  static String list(ModelRegistry registry) {
    List<String> names = registry.names();
    if (names.isEmpty()) {
      return "No models registered in " + location(registry) + " yet; a train step registers one"
          + " (register-as = NAME).\n";
    }
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-20s %8s %6s  %-28s %s%n", "model", "versions",
        "latest", "aliases", "archived"));
    for (String name : names) {
      List<ModelVersion> versions = registry.versions(name);
      AliasState state = registry.state(name);
      out.append(String.format(Locale.ROOT, "%-20s %8d %6s  %-28s %s%n", name, versions.size(),
          "v" + versions.get(versions.size() - 1).version(), aliases(state.aliases()),
          state.archived().isEmpty() ? "-" : archived(state)));
    }
    return out.toString();
  }

  /** {@code models list --format json}: one object per model (docs/OUTPUT.md). */
  static Map<String, Object> listJson(ModelRegistry registry) {
    List<Object> models = new ArrayList<>();
    for (String name : registry.names()) {
      List<ModelVersion> versions = registry.versions(name);
      AliasState state = registry.state(name);
      models.add(Json.object("name", name, "versions", versions.size(),
          "latest", versions.get(versions.size() - 1).version(), "aliases", new TreeMap<>(state.aliases()),
          "archived", new java.util.TreeSet<>(state.archived())));
    }
    return Json.object("registry", location(registry), "models", models);
  }

  /** {@code models show --format json}: every field of one version, its aliases now and its validations. */
  static Map<String, Object> showJson(ModelRegistry registry, String reference) {
    ModelLifecycle.Resolved resolved = new ModelLifecycle(registry).resolve(reference, true);
    ModelVersion v = resolved.version();
    List<String> pointing = resolved.state().aliases().entrySet().stream().filter(e -> e.getValue() == v.version())
        .map(Map.Entry::getKey).sorted().toList();
    List<Object> validations = registry.validations(v.name()).stream().filter(x -> x.version() == v.version())
        .map(x -> (Object) Json.object("at", x.at(), "run_id", x.runId(), "passed", x.passed(), "gates",
            x.gates().stream().map(g -> Json.object("metric", g.metric(), "kind", g.kind(), "threshold", g.threshold(),
                "value", g.value(), "bound", g.bound(), "champion_version", g.championVersion() == 0 ? null
                    : g.championVersion(), "champion_value", g.championValue(), "passed", g.passed())).toList()))
        .toList();
    return Json.object("name", v.name(), "version", v.version(), "ref", v.ref(), "aliases", pointing,
        "archived", resolved.archived(), "run_id", v.runId(), "pipeline", v.pipeline(), "step", v.step(),
        "created_at", v.createdAt(), "estimator", v.estimatorClass(), "problem", v.problemType(),
        "params", new TreeMap<>(v.params()), "tuning", v.tuningMetric().isEmpty() || v.tuning().isEmpty() ? null
            : Json.object("metric", v.tuningMetric(), "candidates", v.tuning().stream()
                .map(t -> Json.object("params", new TreeMap<>(t.params()), "metric", t.metric())).toList()),
        "metrics", new TreeMap<>(v.metrics()), "label", v.label(), "features", v.featureColumns(),
        "data", v.dataVersion() == null ? Json.object("name", v.dataInput(), "location", null, "version", null)
            : inputJson(v.dataVersion()),
        "lineage", v.lineage().stream().map(ModelsView::inputJson).toList(),
        "holdout", Json.object("location", v.holdoutLocation(), "version", v.holdoutVersion()), "split", v.split(),
        "fingerprint", v.fingerprint(), "lakemill_version", v.lakemillVersion(), "spark_version", v.sparkVersion(),
        "model_path", v.modelPath(), "definition", v.definition(), "validations", validations);
  }

  private static Map<String, Object> inputJson(InputVersion i) {
    return Json.object("name", i.name(), "location", Json.text(i.location()), "version", Json.count(i.version()));
  }

  /** {@code models history --format json}: versions and events in time order, then the aliases now. */
  static Map<String, Object> historyJson(ModelRegistry registry, String name) {
    List<ModelVersion> versions = new ModelLifecycle(registry).versions(name);
    Map<Integer, Validation> lastValidation = new TreeMap<>();
    registry.validations(name).forEach(x -> lastValidation.put(x.version(), x));
    record Event(Instant at, Map<String, Object> json) {}
    List<Event> events = new ArrayList<>();
    AliasState state = registry.state(name);
    for (ModelVersion v : versions) {
      Validation x = lastValidation.get(v.version());
      events.add(new Event(v.createdAt(), Json.object("at", v.createdAt(), "action", "register", "version", v.version(),
          "alias", null, "run_id", v.runId(), "metrics", new TreeMap<>(v.metrics()),
          "validation", x == null ? null : x.passed() ? "passed" : "failed", "reason", null)));
    }
    for (AliasEvent e : state.events()) {
      events.add(new Event(e.at(), Json.object("at", e.at(), "action", e.action().toString(),
          "version", e.version() > 0 ? e.version() : null, "alias", Json.text(e.alias()), "run_id", Json.text(e.runId()),
          "metrics", null, "validation", null, "reason", e.reason())));
    }
    events.sort(Comparator.comparing(Event::at));
    return Json.object("name", name, "events", events.stream().map(Event::json).toList(),
        "aliases", new TreeMap<>(state.aliases()), "archived", new java.util.TreeSet<>(state.archived()));
  }

  /** Every field of one version, the aliases pointing at it now, whether it is archived, its validations. */
  static String show(ModelRegistry registry, String reference) {
    ModelLifecycle.Resolved resolved = new ModelLifecycle(registry).resolve(reference, true);
    ModelVersion v = resolved.version();
    String pointing = resolved.state().aliases().entrySet().stream().filter(e -> e.getValue() == v.version())
        .map(Map.Entry::getKey).sorted().collect(Collectors.joining(", "));
    StringBuilder out = new StringBuilder(v.ref()).append('\n');
    field(out, "aliases", pointing.isEmpty() ? "none" : pointing);
    field(out, "archived", resolved.archived()
        ? "yes: it cannot be promoted and vacuum does not protect its files" : "no");
    fields(out, v);
    List<Validation> validations = registry.validations(v.name()).stream().filter(x -> x.version() == v.version())
        .toList();
    field(out, "validations", validations.isEmpty() ? "none" : validations.stream()
        .map(x -> x.at() + "  run " + x.runId() + ": " + (x.passed() ? "passed" : "failed")
            + x.gates().stream().map(g -> "\n  " + g.describe()).collect(Collectors.joining()))
        .collect(Collectors.joining("\n")));
    return out.toString();
  }

  /** The version's own fields, as recorded when it was registered. */
  private static void fields(StringBuilder out, ModelVersion v) {
    field(out, "run", v.runId());
    field(out, "pipeline", v.pipeline() + ", step " + v.step());
    field(out, "created", v.createdAt().toString());
    field(out, "estimator", v.estimatorClass());
    field(out, "problem", v.problemType());
    field(out, "params", wrap(new TreeMap<>(v.params()).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .toList()));
    field(out, "tuning", tuning(v));
    field(out, "metrics", metrics(v.metrics(), Integer.MAX_VALUE));
    field(out, "label", v.label());
    field(out, "features", String.join(", ", v.featureColumns()));
    InputVersion data = v.dataVersion();
    field(out, "data", data == null ? v.dataInput() : input(data));
    field(out, "lineage", v.lineage().isEmpty() ? "none"
        : v.lineage().stream().map(ModelsView::input).collect(Collectors.joining("\n")));
    field(out, "holdout", v.holdoutLocation() + "@v" + v.holdoutVersion());
    field(out, "split", v.split());
    field(out, "fingerprint", v.fingerprint());
    field(out, "built with", "lakemill " + v.lakemillVersion() + ", Spark " + v.sparkVersion());
    field(out, "model path", v.modelPath());
    field(out, "definition", v.definition());
  }

  /** Versions and alias/archive events of one model, in time order, then the aliases now. */
  static String history(ModelRegistry registry, String name) {
    List<ModelVersion> versions = new ModelLifecycle(registry).versions(name);
    Map<Integer, Validation> lastValidation = new TreeMap<>();
    registry.validations(name).forEach(x -> lastValidation.put(x.version(), x));
    record Line(Instant at, String text) {}
    List<Line> lines = new ArrayList<>();
    AliasState state = registry.state(name);
    for (ModelVersion v : versions) {
      Validation x = lastValidation.get(v.version());
      String validation = x == null ? "none" : x.passed() ? "passed" : "failed";
      lines.add(new Line(v.createdAt(), String.format(Locale.ROOT, "%-9s %-16s run %s: %s; validation %s", "register",
          "v" + v.version(), v.runId(), metrics(v.metrics(), 3), validation)));
    }
    for (AliasEvent e : state.events()) {
      String version = e.version() > 0 ? "v" + e.version() : "none";
      String what = e.alias().isEmpty() ? version : e.alias() + " -> " + version;
      lines.add(new Line(e.at(), String.format(Locale.ROOT, "%-9s %-16s %s: %s", e.action(), what,
          e.runId().isEmpty() ? "command line" : "run " + e.runId(), e.reason())));
    }
    lines.sort(Comparator.comparing(Line::at));
    StringBuilder out = new StringBuilder();
    lines.forEach(l -> out.append(l.at()).append("  ").append(l.text()).append('\n'));
    out.append("now: ").append(aliases(state.aliases())).append("; archived: ")
        .append(state.archived().isEmpty() ? "none" : archived(state)).append('\n');
    return out.toString();
  }

  /** Points {@code alias} at the version {@code reference} names; the registry refuses archived versions. */
  static String promote(ModelRegistry registry, String reference, String alias, String reason, Instant at) {
    return promoted(registry, reference, alias, reason, at).text();
  }

  /** An alias move and the line that reports it. */
  record Moved(ModelLifecycle.AliasMove move, String text) {}

  /** {@link #promote}, with the move itself. */
  static Moved promoted(ModelRegistry registry, String reference, String alias, String reason, Instant at) {
    String why = reason == null ? PROMOTE_REASON : reason;
    ModelLifecycle.AliasMove move = new ModelLifecycle(registry).promote(reference, alias, at, why);
    if (!move.recorded()) {
      return new Moved(move, move.name() + "@" + alias + " is already v" + move.to() + "; nothing recorded\n");
    }
    return new Moved(move, move.name() + "@" + alias + ": " + (move.from() == 0 ? "none" : "v" + move.from()) + " -> v"
        + move.to() + " (" + why + ")\n");
  }

  /** Moves {@code alias} back to the version it pointed to before its current one. */
  static String rollback(ModelRegistry registry, String name, String alias, String reason, Instant at) {
    return rolledBack(registry, name, alias, reason, at).text();
  }

  /** {@link #rollback}, with the move itself. */
  static Moved rolledBack(ModelRegistry registry, String name, String alias, String reason, Instant at) {
    String why = reason == null ? ROLLBACK_REASON : reason;
    ModelLifecycle.AliasMove move = new ModelLifecycle(registry).rollback(name, alias, at, why);
    return new Moved(move, name + "@" + alias + ": v" + move.from() + " -> v" + move.to() + " (" + why + ")\n");
  }

  /** The version {@code alias} pointed to at {@code at}, or version 0 and a sentence saying there was none. */
  static AsOf asOf(ModelRegistry registry, String name, String alias, Instant at) {
    int v = new ModelLifecycle(registry).versionAt(name, alias, at);
    if (v == 0) {
      return new AsOf(0, name + "@" + alias + " pointed to no version at " + at + "\n");
    }
    return new AsOf(v, name + "@" + alias + " at " + at + ": " + name + "@v" + v + "\n");
  }

  /** {@code models as-of --format json}: the version, null when the alias pointed nowhere then. */
  static Map<String, Object> asOfJson(String name, String alias, Instant at, AsOf answer) {
    return Json.object("name", name, "alias", alias, "at", at, "version", answer.version() == 0 ? null
        : answer.version(), "ref", answer.version() == 0 ? null : name + "@v" + answer.version());
  }

  /** Archives ({@code archive}) or unarchives the version {@code reference} names. */
  static String archive(ModelRegistry registry, String reference, boolean archive, String reason, Instant at) {
    String why = reason != null ? reason : archive ? ARCHIVE_REASON : UNARCHIVE_REASON;
    ModelLifecycle.Archiving done = new ModelLifecycle(registry).archive(reference, archive, at, why);
    String ref = done.version().ref();
    if (!done.recorded()) {
      return ref + " is " + (archive ? "already" : "not") + " archived; nothing recorded\n";
    }
    return archive
        ? "Archived " + ref + ": it cannot be promoted, and vacuum no longer protects its files\n"
        : "Unarchived " + ref + ": it can be promoted again, and vacuum protects its files\n";
  }

  /** An ISO-8601 instant ({@code 2026-11-01T00:00:00Z}) or a date, meaning its start in UTC. */
  static Instant instant(String text) {
    try {
      return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw CliErrors.badInstant(text);
    }
  }

  private static String location(ModelRegistry registry) {
    String models = registry.modelsLocation();
    return models.substring(0, models.length() - "/models".length());
  }

  /** {@code v1, v3}: the archived versions, ascending. */
  private static String archived(AliasState state) {
    return state.archived().stream().map(v -> "v" + v).collect(Collectors.joining(", "));
  }

  /** {@code champion=v2, staging=v3} sorted by alias, or {@code none}. */
  private static String aliases(Map<String, Integer> aliases) {
    return aliases.isEmpty() ? "none" : new TreeMap<>(aliases).entrySet().stream()
        .map(e -> e.getKey() + "=v" + e.getValue()).collect(Collectors.joining(", "));
  }

  /** Up to {@code limit} metrics in a stable order (the problem types' order, then by name). */
  static String metrics(Map<String, Double> metrics, int limit) {
    return metrics.isEmpty() ? "none" : metrics.keySet().stream().sorted(ProblemType.METRIC_ORDER).limit(limit)
        .map(m -> String.format(Locale.ROOT, "%s %.4f", m, metrics.get(m))).collect(Collectors.joining(", "));
  }

  private static String tuning(ModelVersion v) {
    if (v.tuningMetric().isEmpty() || v.tuning().isEmpty()) {
      return "none (fitted once)";
    }
    Comparator<Double> better = ProblemType.lowerIsBetter(v.tuningMetric())
        ? Comparator.reverseOrder() : Comparator.naturalOrder();
    TuningResult best = v.tuning().stream().filter(t -> !Double.isNaN(t.metric()))
        .max(Comparator.comparing(TuningResult::metric, better)).orElse(null);
    StringBuilder out = new StringBuilder(v.tuningMetric() + " over " + v.tuning().size() + " candidates ("
        + (ProblemType.lowerIsBetter(v.tuningMetric()) ? "lower" : "higher") + " is better, * best)");
    for (TuningResult t : v.tuning()) {
      out.append(String.format(Locale.ROOT, "%n%s %.4f  %s", t == best ? "*" : " ", t.metric(),
          new TreeMap<>(t.params()).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
              .collect(Collectors.joining(", "))));
    }
    return out.toString();
  }

  private static String input(InputVersion i) {
    return i.name() + "  " + (i.location().isEmpty() ? "(generated or a view)"
        : i.version() < 0 ? i.location() + " (not a Delta table)" : i.location() + "@v" + i.version());
  }

  /** Comma-joined items, wrapped into lines of about 100 characters. */
  private static String wrap(List<String> items) {
    StringBuilder out = new StringBuilder();
    int width = 0;
    for (String item : items) {
      if (width > 0 && width + item.length() > 100) {
        out.append(",\n");
        width = 0;
      } else if (width > 0) {
        out.append(", ");
        width += 2;
      }
      out.append(item);
      width += item.length();
    }
    return items.isEmpty() ? "none" : out.toString();
  }

  /** {@code  label       value}, continuation lines of the value aligned under its first. */
  private static void field(StringBuilder out, String label, String value) {
    out.append(String.format(Locale.ROOT, "  %-12s %s%n", label, value.replace("\n", "\n" + INDENT)));
  }
}
