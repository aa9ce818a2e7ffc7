package dev.lakemill.registry;

/** What an {@link AliasEvent} did, as the registry's {@code events.action} column stores it. */
public enum AliasAction {
  /** Pointed an alias at a version. */
  PROMOTE("promote"),
  /** Moved an alias back to the version it pointed to before its current one. */
  ROLLBACK("rollback"),
  /** Archived a version: it cannot be promoted and vacuum no longer protects its files. */
  ARCHIVE("archive"),
  /** Undid an archive. */
  UNARCHIVE("unarchive");

  private final String text;

  AliasAction(String text) {
    this.text = text;
  }

  /** The stored form, e.g. {@code rollback}. */
  public String text() {
    return text;
  }

  /** The action whose stored form is {@code text}. */
  public static AliasAction parse(String text) {
    for (AliasAction a : values()) {
      if (a.text.equals(text)) {
        return a;
      }
    }
    throw new IllegalStateException("Unknown alias event action '" + text + "' in the model registry");
  }

  @Override
  public String toString() {
    return text;
  }
}
