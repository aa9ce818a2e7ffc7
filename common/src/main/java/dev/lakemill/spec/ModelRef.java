package dev.lakemill.spec;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A registered model: {@code name@alias} or {@code name@vN}.
 *
 * @param name model name
 * @param alias alias such as {@code champion}, or null when a version is given
 * @param version version number, or 0 when an alias is given
 */
public record ModelRef(String name, String alias, int version) {
  private static final Pattern SYNTAX =
      Pattern.compile("([A-Za-z][A-Za-z0-9_-]*)@(?:v([1-9][0-9]{0,8})|(?!v[0-9]+$)([A-Za-z][A-Za-z0-9_-]*))");

  /** Parses {@code name@alias} or {@code name@vN}; empty when the text is neither. */
  public static Optional<ModelRef> parse(String text) {
    Matcher m = SYNTAX.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(m.group(2) != null
        ? new ModelRef(m.group(1), null, Integer.parseInt(m.group(2)))
        : new ModelRef(m.group(1), m.group(3), 0));
  }

  public boolean byAlias() {
    return alias != null;
  }

  @Override
  public String toString() {
    return name + "@" + (alias != null ? alias : "v" + version);
  }
}
