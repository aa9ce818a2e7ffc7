package dev.lakemill.jobs;

import dev.lakemill.delta.InputVersion;
import dev.lakemill.error.Names;
import dev.lakemill.plan.ProblemType;
import dev.lakemill.registry.AliasAction;
import dev.lakemill.registry.AliasEvent;
import dev.lakemill.registry.AliasState;
import dev.lakemill.registry.ModelRegistry;
import dev.lakemill.registry.ModelVersion;
import dev.lakemill.registry.TuningResult;
import dev.lakemill.registry.Validation;
import dev.lakemill.spec.ModelRef;
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
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What the {@code lakemill models} subcommands print and record. Each method takes the registry and
 * returns the text to print; a user error (unknown model, version or alias, bad syntax) throws
 * {@link Invalid}, whose message says what is wrong and how to fix it.
 */
final class ModelsView {
  static final String PROMOTE_REASON = "promoted from the command line";
  static final String ROLLBACK_REASON = "rolled back from the command line";
  static final String ARCHIVE_REASON = "archived from the command line";
  static final String UNARCHIVE_REASON = "unarchived from the command line";

  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
  private static final String INDENT = " ".repeat(15);

  /** A mistake on the command line or a reference to something not in the registry: exit code 2. */
  static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message);
    }
  }

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

  /** Every field of one version, the aliases pointing at it now, whether it is archived, its validations. */
  static String show(ModelRegistry registry, String reference) {
    Resolved resolved = resolve(registry, reference, true);
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
    List<ModelVersion> versions = versions(registry, name);
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

  /** Points {@code alias} at the version {@code reference} names; refuses archived versions. */
  static String promote(ModelRegistry registry, String reference, String alias, String reason, Instant at) {
    checkAlias(alias);
    Resolved resolved = resolve(registry, reference, false);
    ModelVersion v = resolved.version();
    if (resolved.archived()) {
      throw new Invalid("Cannot promote " + v.ref() + ": it is archived; unarchive it first with: lakemill models"
          + " unarchive " + v.ref());
    }
    Integer current = resolved.state().aliases().get(alias);
    if (current != null && current == v.version()) {
      return v.name() + "@" + alias + " is already v" + v.version() + "; nothing recorded\n";
    }
    String why = reason == null ? PROMOTE_REASON : reason;
    registry.recordEvent(new AliasEvent(v.name(), AliasAction.PROMOTE, alias, v.version(), at, "", why));
    return v.name() + "@" + alias + ": " + (current == null ? "none" : "v" + current) + " -> v" + v.version() + " ("
        + why + ")\n";
  }

  /** Moves {@code alias} back to the version it pointed to before its current one. */
  static String rollback(ModelRegistry registry, String name, String alias, String reason, Instant at) {
    checkAlias(alias);
    checkName(name);
    AliasState state = registry.state(name);
    Map<String, Integer> aliases = state.aliases();
    Integer current = aliases.get(alias);
    if (current == null) {
      versions(registry, name);
      throw new Invalid("Cannot roll back " + name + "@" + alias + ": model '" + name + "' has no alias '" + alias
          + "'" + didYouMean(alias, aliases) + " (aliases now: " + aliases(aliases) + ")");
    }
    int previous = state.previousVersion(alias);
    if (previous == 0) {
      throw new Invalid("Cannot roll back " + name + "@" + alias + ": it has no previous version (v" + current
          + " is the only one left on its history); promote another version instead: lakemill models promote "
          + name + "@vN --alias " + alias);
    }
    if (state.archived().contains(previous)) {
      throw new Invalid("Cannot roll back " + name + "@" + alias + " to v" + previous + ": it is archived; unarchive it"
          + " first with: lakemill models unarchive " + name + "@v" + previous);
    }
    String why = reason == null ? ROLLBACK_REASON : reason;
    registry.recordEvent(new AliasEvent(name, AliasAction.ROLLBACK, alias, previous, at, "", why));
    return name + "@" + alias + ": v" + current + " -> v" + previous + " (" + why + ")\n";
  }

  /** The version {@code alias} pointed to at {@code at}, or version 0 and a sentence saying there was none. */
  static AsOf asOf(ModelRegistry registry, String name, String alias, Instant at) {
    checkAlias(alias);
    checkName(name);
    Integer v = registry.state(name).aliasesAt(at).get(alias);
    if (v == null) {
      versions(registry, name);
      return new AsOf(0, name + "@" + alias + " pointed to no version at " + at + "\n");
    }
    return new AsOf(v, name + "@" + alias + " at " + at + ": " + name + "@v" + v + "\n");
  }

  /** Archives ({@code archive}) or unarchives the version {@code reference} names. */
  static String archive(ModelRegistry registry, String reference, boolean archive, String reason, Instant at) {
    Resolved resolved = resolve(registry, reference, false);
    ModelVersion v = resolved.version();
    boolean archived = resolved.archived();
    if (archive == archived) {
      return v.ref() + " is " + (archived ? "already" : "not") + " archived; nothing recorded\n";
    }
    if (archive) {
      List<String> pointing = resolved.state().aliases().entrySet().stream()
          .filter(e -> e.getValue() == v.version()).map(e -> v.name() + "@" + e.getKey()).sorted().toList();
      if (!pointing.isEmpty()) {
        throw new Invalid("Cannot archive " + v.ref() + ": it is " + String.join(" and ", pointing) + " now; promote"
            + " another version to that alias (or roll it back) first");
      }
    }
    String why = reason != null ? reason : archive ? ARCHIVE_REASON : UNARCHIVE_REASON;
    registry.recordEvent(new AliasEvent(v.name(), archive ? AliasAction.ARCHIVE : AliasAction.UNARCHIVE, "", v.version(),
        at, "", why));
    return archive
        ? "Archived " + v.ref() + ": it cannot be promoted, and vacuum no longer protects its files\n"
        : "Unarchived " + v.ref() + ": it can be promoted again, and vacuum protects its files\n";
  }

  /** An ISO-8601 instant ({@code 2026-11-01T00:00:00Z}) or a date, meaning its start in UTC. */
  static Instant instant(String text) {
    try {
      return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new Invalid("Cannot read --at '" + text + "': write an ISO-8601 instant such as 2026-11-01T00:00:00Z"
          + " (or +01:00 for an offset) or a date such as 2026-11-01 (start of the day, UTC)");
    }
  }

  /** A version and its model's alias and archive state, both read once. */
  private record Resolved(ModelVersion version, AliasState state) {
    boolean archived() {
      return state.archived().contains(version.version());
    }
  }

  /**
   * The version {@code reference} names: {@code name@vN}, {@code name@alias} (now) or, when
   * {@code plainName}, a bare name for its latest version.
   */
  private static Resolved resolve(ModelRegistry registry, String reference, boolean plainName) {
    String text = reference.trim();
    if (!text.contains("@") && NAME.matcher(text).matches()) {
      List<ModelVersion> all = versions(registry, text);
      if (!plainName) {
        throw new Invalid("Name a version of '" + text + "': write " + text + "@vN or " + text + "@ALIAS (latest: "
            + all.get(all.size() - 1).ref() + ")");
      }
      return new Resolved(all.get(all.size() - 1), registry.state(text));
    }
    ModelRef ref = ModelRef.parse(text)
        .orElseThrow(() -> new Invalid("Cannot read model reference '" + reference + "': write " + (plainName
            ? "NAME@vN (N from 1), NAME@ALIAS or NAME, e.g. churn@v3, churn@champion or churn (its latest version)"
            : "NAME@vN (N from 1) or NAME@ALIAS, e.g. churn@v3 or churn@champion")));
    List<ModelVersion> all = versions(registry, ref.name());
    AliasState state = null;
    int version = ref.version();
    if (ref.byAlias()) {
      state = registry.state(ref.name());
      Map<String, Integer> aliases = state.aliases();
      Integer v = aliases.get(ref.alias());
      if (v == null) {
        throw new Invalid("Model '" + ref.name() + "' has no alias '" + ref.alias() + "'" + didYouMean(ref.alias(),
            aliases) + " (aliases now: " + aliases(aliases) + "; point one with: lakemill models promote " + ref.name()
            + "@vN --alias " + ref.alias() + ")");
      }
      version = v;
    }
    int wanted = version;
    ModelVersion v = all.stream().filter(m -> m.version() == wanted).findFirst().orElseThrow(() -> new Invalid(
        "Model '" + ref.name() + "' has no version v" + wanted + ": it has v1..v" + all.get(all.size() - 1).version()
            + "; see them with: lakemill models history " + ref.name()));
    return new Resolved(v, state != null ? state : registry.state(ref.name()));
  }

  /** Every version of {@code name}, oldest first; throws when the name is malformed or unknown. */
  private static List<ModelVersion> versions(ModelRegistry registry, String name) {
    checkName(name);
    List<ModelVersion> all = registry.versions(name);
    if (all.isEmpty()) {
      List<String> names = registry.names();
      throw new Invalid(names.isEmpty()
          ? "Unknown model '" + name + "': the registry at " + location(registry) + " is empty; a train step"
              + " registers models (register-as = " + name + "), or pass --lakehouse to use another lakehouse"
          : "Unknown model '" + name + "' in the registry at " + location(registry) + Names.suggestion(name, names)
              + " (list them with: lakemill models list)");
    }
    return all;
  }

  private static void checkName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new Invalid("Cannot read model name '" + name + "': a name starts with a letter and has letters, digits,"
          + " _ and -, e.g. churn");
    }
  }

  private static void checkAlias(String alias) {
    if (!NAME.matcher(alias).matches() || alias.matches("v[0-9]+")) {
      throw new Invalid("Cannot use alias '" + alias + "': an alias starts with a letter, has letters, digits, _ and -,"
          + " and is not v<number> (that names a version), e.g. champion or staging");
    }
  }

  private static String didYouMean(String alias, Map<String, Integer> aliases) {
    return Names.closest(alias, aliases.keySet()).map(a -> "; did you mean '" + a + "'?").orElse("");
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
