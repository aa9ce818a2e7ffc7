package dev.lakemill.engine;

import dev.lakemill.compile.PipelineCompiler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What a step's result depends on: its canonical config, the lakemill version, and every input's own
 * fingerprint at the exact version read. Equal fingerprints mean equal results; the parts are kept in
 * the ledger so that a changed fingerprint can be explained ("input silver.customers moved from v12 to v13").
 *
 * @param inputs input name to {@code <input fingerprint>@<version>}
 */
public record Fingerprint(String configHash, String lakemillVersion, SortedMap<String, String> inputs) {
  private static final String CONFIG = "config";
  private static final String LAKEMILL = "lakemill";
  private static final String INPUT = "input:";

  public Fingerprint {
    inputs = new TreeMap<>(inputs);
  }

  /** What marks an input read as the rows its step wrote, not as the whole table (the same version differs). */
  private static final String ROWS = "rows:";

  /**
   * Every input as {@code <its fingerprint>@<version read>}, prefixed {@code rows:} when only the rows
   * its step wrote at that version are read.
   */
  static Fingerprint of(String configHash, String lakemillVersion, List<StepInput> inputs) {
    SortedMap<String, String> parts = new TreeMap<>();
    for (StepInput i : inputs) {
      parts.put(i.name(), (i.stored().rowsOnly() ? ROWS : "") + i.fingerprint() + "@" + i.stored().version());
    }
    return new Fingerprint(configHash, lakemillVersion, parts);
  }

  /** The hash the ledger records (the same text as lakemill has always hashed). */
  public String hash() {
    StringBuilder text = new StringBuilder(lakemillVersion).append('\n').append(configHash);
    inputs.forEach((name, value) -> text.append('\n').append(name).append('=').append(value));
    return PipelineCompiler.sha256(text.toString());
  }

  /** The parts, as the ledger's {@code fingerprint_parts} map. */
  public Map<String, String> parts() {
    Map<String, String> parts = new LinkedHashMap<>();
    parts.put(CONFIG, configHash);
    parts.put(LAKEMILL, lakemillVersion);
    inputs.forEach((name, value) -> parts.put(INPUT + name, value));
    return parts;
  }

  /**
   * Why this fingerprint differs from the one recorded with {@code before}'s parts, in words; sources
   * (as opposed to steps and models) are named by {@code isSource}.
   */
  String changesSince(Map<String, String> before, Predicate<String> isSource) {
    if (before.isEmpty()) {
      return "its inputs or config changed (the earlier run predates recorded fingerprint parts)";
    }
    List<String> changes = new ArrayList<>();
    if (!configHash.equals(before.get(CONFIG))) {
      changes.add("step config changed");
    }
    if (!lakemillVersion.equals(before.get(LAKEMILL))) {
      changes.add("lakemill version changed from " + before.get(LAKEMILL) + " to " + lakemillVersion);
    }
    TreeSet<String> names = new TreeSet<>(inputs.keySet());
    before.keySet().stream().filter(k -> k.startsWith(INPUT)).forEach(k -> names.add(k.substring(INPUT.length())));
    for (String name : names) {
      String was = before.get(INPUT + name);
      String now = inputs.get(name);
      if (was == null) {
        changes.add("new input " + name);
      } else if (now == null) {
        changes.add("no longer reads " + name);
      } else if (!version(was).equals(version(now))) {
        changes.add("input " + name + " moved from v" + version(was) + " to v" + version(now));
      } else if (!was.startsWith(ROWS) && now.startsWith(ROWS)) {
        changes.add("reads only the rows step " + name + " wrote (it read the whole table before)");
      } else if (was.startsWith(ROWS) && !now.startsWith(ROWS)) {
        changes.add("reads the whole table of " + name + " (it read only the rows its step wrote before)");
      } else if (!Objects.equals(was, now)) {
        changes.add(isSource.test(name) ? sourceChange(name, was, now) : "upstream " + name + " changed");
      }
    }
    return changes.isEmpty() ? "fingerprint changed" : String.join("; ", changes);
  }

  /** File sources' fingerprints are {@code <declaration hash>:<files hash>}. */
  private static String sourceChange(String name, String was, String now) {
    String declWas = was.split("[:@]")[0];
    String declNow = now.split("[:@]")[0];
    return declWas.equals(declNow) ? "source " + name + " changed (file size or modification time)"
        : "source " + name + " declaration changed";
  }

  private static String version(String part) {
    return part.substring(part.lastIndexOf('@') + 1);
  }
}
