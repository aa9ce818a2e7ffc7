package dev.lakemill.error;

import dev.lakemill.spec.SourceLocation;
import java.util.Comparator;

/**
 * One thing wrong with a pipeline definition.
 *
 * @param path the key path, e.g. {@code steps.prepare.expectations.adult.on-violation}; empty when
 *     the problem concerns the whole file
 * @param at the file and line to fix
 * @param message what is wrong, the offending value and how to fix it
 */
public record Problem(String path, SourceLocation at, String message) implements Comparable<Problem> {
  private static final Comparator<Problem> ORDER =
      Comparator.comparing((Problem p) -> p.at().file())
          .thenComparingInt(p -> p.at().line())
          .thenComparing(Problem::path)
          .thenComparing(Problem::message);

  public Problem {
    path = path == null ? "" : path;
  }

  @Override
  public int compareTo(Problem other) {
    return ORDER.compare(this, other);
  }

  /**
   * {@code file: line: path: message}, the format every lakemill error uses, with control characters
   * escaped ({@link Escapes#controls}): file names, keys and quoted values come from the user.
   */
  @Override
  public String toString() {
    return Escapes.controls(at + ": " + (path.isEmpty() ? "" : path + ": ") + message);
  }
}
