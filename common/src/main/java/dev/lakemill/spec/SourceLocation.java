package dev.lakemill.spec;

import com.typesafe.config.ConfigOrigin;

/**
 * Where a value was declared: a file and a 1-based line.
 *
 * <p>Typesafe's {@code ConfigOrigin} is deliberately not serializable, so specs and plans keep this
 * record instead. {@link #UNKNOWN} stands for values that came from no file (built-in defaults).
 */
public record SourceLocation(String file, int line) {
  public static final SourceLocation UNKNOWN = new SourceLocation("<unknown>", 0);

  public static SourceLocation of(ConfigOrigin origin) {
    if (origin == null) {
      return UNKNOWN;
    }
    String file = origin.filename() != null ? origin.filename() : origin.description();
    return new SourceLocation(file, Math.max(origin.lineNumber(), 0));
  }

  /** The same file, {@code offset} lines further down (used to map lines inside multi-line SQL). */
  public SourceLocation plusLines(int offset) {
    return new SourceLocation(file, line + offset);
  }

  @Override
  public String toString() {
    return line > 0 ? file + ": " + line : file;
  }
}
