package dev.lakemill.registry;

import dev.lakemill.spec.ModelRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rules for moving a model's aliases and archiving its versions, and the lookups they need.
 * Every change goes through here, from the command line and from validate steps alike:
 * <ul>
 *   <li>an alias is a name that is not {@code v<number>} (that names a version);
 *   <li>an archived version is neither promoted nor rolled back to;
 *   <li>a version that an alias points to is not archived;
 *   <li>a change that changes nothing records nothing.
 * </ul>
 * Unknown names and broken rules throw {@link RegistryException}.
 */
public final class ModelLifecycle {
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");

  private final ModelRegistry registry;

  public ModelLifecycle(ModelRegistry registry) {
    this.registry = registry;
  }

  /** A version and its model's alias and archive state, both read once. */
  public record Resolved(ModelVersion version, AliasState state) {
    public boolean archived() {
      return state.archived().contains(version.version());
    }
  }

  /**
   * A move of {@code name@alias} from version {@code from} (0: none) to {@code to}; {@code recorded}
   * is false when the alias already pointed there.
   */
  public record AliasMove(String name, String alias, int from, int to, boolean recorded) {}

  /** An archive or unarchive of {@code version}; {@code recorded} is false when it already was (not) archived. */
  public record Archiving(ModelVersion version, boolean archive, boolean recorded) {}

  /**
   * The version {@code reference} names: {@code name@vN}, {@code name@alias} (now) or, when
   * {@code plainName}, a bare name for its latest version.
   */
  public Resolved resolve(String reference, boolean plainName) {
    String text = reference.trim();
    if (!text.contains("@") && NAME.matcher(text).matches()) {
      List<ModelVersion> all = versions(text);
      if (!plainName) {
        throw RegistryErrors.versionNeeded(text, all.get(all.size() - 1));
      }
      return new Resolved(all.get(all.size() - 1), registry.state(text));
    }
    ModelRef ref = ModelRef.parse(text).orElseThrow(() -> RegistryErrors.badReference(reference, plainName));
    List<ModelVersion> all = versions(ref.name());
    AliasState state = null;
    int version = ref.version();
    if (ref.byAlias()) {
      state = registry.state(ref.name());
      Integer v = state.aliases().get(ref.alias());
      if (v == null) {
        throw RegistryErrors.unknownAlias(ref.name(), ref.alias(), state.aliases());
      }
      version = v;
    }
    int wanted = version;
    ModelVersion v = all.stream().filter(m -> m.version() == wanted).findFirst()
        .orElseThrow(() -> RegistryErrors.unknownVersion(ref.name(), wanted, all.get(all.size() - 1).version()));
    return new Resolved(v, state != null ? state : registry.state(ref.name()));
  }

  /** Every version of {@code name}, oldest first; throws when the name is malformed or unknown. */
  public List<ModelVersion> versions(String name) {
    checkName(name);
    List<ModelVersion> all = registry.versions(name);
    if (all.isEmpty()) {
      String models = registry.modelsLocation();
      throw RegistryErrors.unknownModel(name, models.substring(0, models.length() - "/models".length()),
          registry.names());
    }
    return all;
  }

  /** The version {@code name@alias} pointed to at {@code at}, or 0 when it pointed nowhere then. */
  public int versionAt(String name, String alias, Instant at) {
    checkAlias(alias);
    checkName(name);
    Integer v = registry.state(name).aliasesAt(at).get(alias);
    if (v == null) {
      versions(name);
      return 0;
    }
    return v;
  }

  /** Points {@code alias} at the version {@code reference} ({@code name@vN} or {@code name@alias}) names. */
  public AliasMove promote(String reference, String alias, Instant at, String reason) {
    checkAlias(alias);
    return promote(resolve(reference, false), alias, at, "", reason);
  }

  /** Points {@code alias} at {@code version}, a change made by run {@code runId}. */
  public AliasMove promote(ModelVersion version, String alias, Instant at, String runId, String reason) {
    checkAlias(alias);
    return promote(new Resolved(version, registry.state(version.name())), alias, at, runId, reason);
  }

  private AliasMove promote(Resolved resolved, String alias, Instant at, String runId, String reason) {
    ModelVersion v = resolved.version();
    if (resolved.archived()) {
      throw RegistryErrors.promoteArchived(v);
    }
    Integer current = resolved.state().aliases().get(alias);
    if (current != null && current == v.version()) {
      return new AliasMove(v.name(), alias, current, v.version(), false);
    }
    registry.recordEvent(new AliasEvent(v.name(), AliasAction.PROMOTE, alias, v.version(), at, runId, reason));
    return new AliasMove(v.name(), alias, current == null ? 0 : current, v.version(), true);
  }

  /** Moves {@code alias} back to the version it pointed to before its current one. */
  public AliasMove rollback(String name, String alias, Instant at, String reason) {
    checkAlias(alias);
    checkName(name);
    AliasState state = registry.state(name);
    Map<String, Integer> aliases = state.aliases();
    Integer current = aliases.get(alias);
    if (current == null) {
      versions(name);
      throw RegistryErrors.rollbackUnknownAlias(name, alias, aliases);
    }
    int previous = state.previousVersion(alias);
    if (previous == 0) {
      throw RegistryErrors.rollbackNoPrevious(name, alias, current);
    }
    if (state.archived().contains(previous)) {
      throw RegistryErrors.rollbackToArchived(name, alias, previous);
    }
    registry.recordEvent(new AliasEvent(name, AliasAction.ROLLBACK, alias, previous, at, "", reason));
    return new AliasMove(name, alias, current, previous, true);
  }

  /** Archives ({@code archive}) or unarchives the version {@code reference} ({@code name@vN} or {@code name@alias}) names. */
  public Archiving archive(String reference, boolean archive, Instant at, String reason) {
    Resolved resolved = resolve(reference, false);
    ModelVersion v = resolved.version();
    if (archive == resolved.archived()) {
      return new Archiving(v, archive, false);
    }
    if (archive) {
      List<String> pointing = resolved.state().aliases().entrySet().stream()
          .filter(e -> e.getValue() == v.version()).map(e -> v.name() + "@" + e.getKey()).sorted().toList();
      if (!pointing.isEmpty()) {
        throw RegistryErrors.archiveAliased(v, pointing);
      }
    }
    if (!archive) {
      // Vacuum may have removed its pins while it was archived: pin those versions again, or refuse.
      List<String> gone = registry.pins().restore(v);
      if (!gone.isEmpty()) {
        throw RegistryErrors.pinsGone(v, gone);
      }
    }
    registry.recordEvent(new AliasEvent(v.name(), archive ? AliasAction.ARCHIVE : AliasAction.UNARCHIVE, "", v.version(),
        at, "", reason));
    return new Archiving(v, archive, true);
  }

  private static void checkName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw RegistryErrors.badName(name);
    }
  }

  private static void checkAlias(String alias) {
    if (!NAME.matcher(alias).matches() || alias.matches("v[0-9]+")) {
      throw RegistryErrors.badAlias(alias);
    }
  }
}
