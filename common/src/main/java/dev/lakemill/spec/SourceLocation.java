package dev.lakemill.spec;

/**
 * Where a value was declared: a file and a 1-based line (0 when unknown).
 *
 * <p>Typesafe's {@code ConfigOrigin} is deliberately not serializable, so specs and plans keep this
 * record instead; {@code config.Origins} converts.
 */
public record SourceLocation(String file, int line) {
  /** The same file, {@code offset} lines further down (used to map lines inside multi-line SQL). */
  public SourceLocation plusLines(int offset) {
    return new SourceLocation(file, line + offset);
  }

  @Override
  public String toString() {
    return line > 0 ? file + ": " + line : file;
  }
}
