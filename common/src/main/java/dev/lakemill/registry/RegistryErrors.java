package dev.lakemill.registry;

import dev.lakemill.delta.TableErrors;
import dev.lakemill.error.LakemillException;
import java.util.Map;

/** The user-facing errors of the model registry: what is wrong, what exists, and how to fix it. */
final class RegistryErrors {
  private RegistryErrors() {}

  /** A registry table Delta cannot read (a garbled commit, a missing data file). */
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
}
