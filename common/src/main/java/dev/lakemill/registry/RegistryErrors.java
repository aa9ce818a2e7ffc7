package dev.lakemill.registry;

import dev.lakemill.delta.TableErrors;
import dev.lakemill.error.LakemillException;
import dev.lakemill.error.Names;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Builds the registry's user-facing errors ({@link RegistryException}). */
final class RegistryErrors {
  private RegistryErrors() {}

  static RegistryException badName(String name) {
    return new RegistryException("Cannot read model name '" + name + "': a name starts with a letter and has letters,"
        + " digits, _ and -, e.g. churn");
  }

  static RegistryException badAlias(String alias) {
    return new RegistryException("Cannot use alias '" + alias + "': an alias starts with a letter, has letters,"
        + " digits, _ and -, and is not v<number> (that names a version), e.g. champion or staging");
  }

  static RegistryException badReference(String reference, boolean plainName) {
    return new RegistryException("Cannot read model reference '" + reference + "': write " + (plainName
        ? "NAME@vN (N from 1), NAME@ALIAS or NAME, e.g. churn@v3, churn@champion or churn (its latest version)"
        : "NAME@vN (N from 1) or NAME@ALIAS, e.g. churn@v3 or churn@champion"));
  }

  static RegistryException versionNeeded(String name, ModelVersion latest) {
    return new RegistryException("Name a version of '" + name + "': write " + name + "@vN or " + name
        + "@ALIAS (latest: " + latest.ref() + ")");
  }

  /** {@code root}: the lakehouse root whose registry has no model {@code name}; {@code names}: the ones it has. */
  static RegistryException unknownModel(String name, String root, List<String> names) {
    return new RegistryException(names.isEmpty()
        ? "Unknown model '" + name + "': the registry at " + root + " is empty; a train step"
            + " registers models (register-as = " + name + "), or pass --lakehouse to use another lakehouse"
        : "Unknown model '" + name + "' in the registry at " + root + Names.suggestion(name, names)
            + " (list them with: lakemill models list)");
  }

  static RegistryException unknownAlias(String name, String alias, Map<String, Integer> aliases) {
    return new RegistryException("Model '" + name + "' has no alias '" + alias + "'" + didYouMean(alias, aliases)
        + " (aliases now: " + aliases(aliases) + "; point one with: lakemill models promote " + name + "@vN --alias "
        + alias + ")");
  }

  static RegistryException unknownVersion(String name, int version, int latest) {
    return new RegistryException("Model '" + name + "' has no version v" + version + ": it has v1..v" + latest
        + "; see them with: lakemill models history " + name);
  }

  static RegistryException promoteArchived(ModelVersion v) {
    return new RegistryException("Cannot promote " + v.ref() + ": it is archived; unarchive it first with: lakemill"
        + " models unarchive " + v.ref());
  }

  static RegistryException rollbackUnknownAlias(String name, String alias, Map<String, Integer> aliases) {
    return new RegistryException("Cannot roll back " + name + "@" + alias + ": model '" + name + "' has no alias '"
        + alias + "'" + didYouMean(alias, aliases) + " (aliases now: " + aliases(aliases) + ")");
  }

  static RegistryException rollbackNoPrevious(String name, String alias, int current) {
    return new RegistryException("Cannot roll back " + name + "@" + alias + ": it has no previous version (v" + current
        + " is the only one left on its history); promote another version instead: lakemill models promote "
        + name + "@vN --alias " + alias);
  }

  static RegistryException rollbackToArchived(String name, String alias, int previous) {
    return new RegistryException("Cannot roll back " + name + "@" + alias + " to v" + previous + ": it is archived;"
        + " unarchive it first with: lakemill models unarchive " + name + "@v" + previous);
  }

  static RegistryException archiveAliased(ModelVersion v, List<String> pointing) {
    return new RegistryException("Cannot archive " + v.ref() + ": it is " + String.join(" and ", pointing) + " now;"
        + " promote another version to that alias (or roll it back) first");
  }

  private static String didYouMean(String alias, Map<String, Integer> aliases) {
    return Names.closest(alias, aliases.keySet()).map(a -> "; did you mean '" + a + "'?").orElse("");
  }

  /** {@code champion=v2, staging=v3} sorted by alias, or {@code none}. */
  static String aliases(Map<String, Integer> aliases) {
    return aliases.isEmpty() ? "none" : new TreeMap<>(aliases).entrySet().stream()
        .map(e -> e.getKey() + "=v" + e.getValue()).collect(Collectors.joining(", "));
  }

  static LakemillException damaged(String table, long latest, Throwable cause) {
    return TableErrors.damaged("model registry table", table, latest, cause);
  }

  static LakemillException registeredTwice(String ref, String table) {
    return new LakemillException(LakemillException.Kind.DAMAGED_STATE, "Model " + ref + " was registered twice;"
        + " the registry at " + table + " needs repair");
  }

  static LakemillException versionsTaken(String name, int attempts) {
    return runFailed("Cannot register " + name + " after " + attempts + " attempts: every version number was taken"
        + " by a concurrent registration");
  }

  static LakemillException interrupted(InterruptedException e) {
    return new LakemillException(LakemillException.Kind.RUN_FAILED, "Interrupted while registering a model", e);
  }

  static LakemillException noModel(String name, String known) {
    return invalid("No model named '" + name + "' is registered" + known + "; train one with a train step"
        + " (register-as = " + name + ")");
  }

  static LakemillException noAlias(String name, String alias, Map<String, Integer> aliases, int latest) {
    return invalid("Model '" + name + "' has no alias '" + alias + "' (aliases: " + (aliases.isEmpty() ? "none"
        : aliases) + ", versions v1..v" + latest + "); promote one with: lakemill models promote " + name
        + "@vN --alias " + alias);
  }

  static LakemillException noVersion(String name, int version, int latest) {
    return invalid("Model '" + name + "' has no version " + version + " (versions v1..v" + latest + ")");
  }

  private static LakemillException invalid(String message) {
    return new LakemillException(LakemillException.Kind.INVALID_INPUT, message);
  }

  private static LakemillException runFailed(String message) {
    return new LakemillException(LakemillException.Kind.RUN_FAILED, message);
  }
  /**
   * A version a model needs (training input, holdout, drift reference) that Delta's log no longer holds
   * and no lineage pin keeps: an archived model's pins go with {@code lakemill vacuum} (invalid input);
   * a live model without its pin (registered before lakemill pinned lineage, or a pin deleted by hand)
   * is damaged state.
   */
  static LakemillException lineageGone(String ref, boolean archived, String what, String table, long version,
      String pin, Throwable cause) {
    String head = "Cannot read the " + what + " of " + ref + ", " + table + " at v" + version + ": Delta's log no"
        + " longer holds that version (it cleans log entries older than the table's delta.logRetentionDuration at"
        + " checkpoints)";
    if (archived) {
      return new LakemillException(LakemillException.Kind.INVALID_INPUT, head + ", and " + ref + " is archived, so"
          + " lakemill vacuum removed its lineage pin. Nothing was written. Use a model version that is not"
          + " archived (lakemill models list " + ref.substring(0, ref.indexOf('@')) + "), or train a new version",
          cause);
    }
    return new LakemillException(LakemillException.Kind.DAMAGED_STATE, head + ", and its lineage pin " + pin
        + " is missing (models registered before lakemill 0.1.0 have none). Nothing was written. These rows"
        + " cannot be read again: archive " + ref + " (lakemill models archive " + ref + ") and train a new version,"
        + " which is pinned when it is registered", cause);
  }

  /**
   * The rows one run wrote that a model was trained on are kept only by their rows pin (see
   * {@link LineagePins}), and it is gone: removed by vacuum after the model was archived, or missing.
   */
  static LakemillException rowsPinGone(String ref, boolean archived, String what, String rows, String table,
      String pin) {
    String head = "Cannot read the " + what + " of " + ref + ", the " + rows + " of " + table + ": only its lineage"
        + " pin " + pin + " keeps exactly those rows";
    if (archived) {
      return new LakemillException(LakemillException.Kind.INVALID_INPUT, head + ", and " + ref + " is archived, so"
          + " lakemill vacuum removed it. Nothing was written. Use a model version that is not archived (lakemill"
          + " models list " + ref.substring(0, ref.indexOf('@')) + "), or train a new version");
    }
    return new LakemillException(LakemillException.Kind.DAMAGED_STATE, head + ", and it is missing. Nothing was"
        + " written. These rows cannot be read again: archive " + ref + " (lakemill models archive " + ref + ") and"
        + " train a new version, which is pinned when it is registered");
  }

  /**
   * An archived version cannot be unarchived: vacuum removed lineage pins it needs and Delta can no longer
   * give those versions ({@link LineagePins#restore}).
   */
  static RegistryException pinsGone(ModelVersion v, List<String> gone) {
    return new RegistryException("Cannot unarchive " + v.ref() + ": lakemill vacuum removed its lineage pins while it"
        + " was archived, and these versions can no longer be read to pin them again (Delta's log no longer holds"
        + " them, or vacuum removed their files): " + String.join("; ", gone) + ". Nothing was changed: " + v.ref()
        + " stays archived and could not be reproduced or compared with. Train a new version instead: run its"
        + " pipeline " + v.pipeline() + " again (lakemill run <its file>)");
  }
}
