package dev.lakemill.error;

/**
 * Makes user text safe to print on a terminal: control characters (C0 but newline and tab, DEL, C1) and
 * the Unicode bidirectional controls (which can make a terminal or an editor show text in another order
 * than it is) become {@code \}{@code uXXXX}, so a file name, a param or a file's content quoted in a
 * message cannot move the cursor, recolour, clear or rewrite what the terminal shows.
 */
public final class Escapes {
  private Escapes() {}

  /** {@code text} with every unsafe character written as {@code \}{@code uXXXX}; null stays null. */
  public static String controls(String text) {
    if (text == null || text.chars().noneMatch(Escapes::unsafe)) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    text.chars().forEach(c -> {
      if (unsafe(c)) {
        out.append(String.format("\\u%04x", c));
      } else {
        out.append((char) c);
      }
    });
    return out.toString();
  }

  /** C0 controls but newline and tab, DEL, C1 controls, and the bidi embedding, override and isolate marks. */
  static boolean unsafe(int c) {
    return c < 0x20 && c != '\n' && c != '\t'
        || c >= 0x7f && c <= 0x9f
        || c == 0x061c || c == 0x200e || c == 0x200f
        || c >= 0x202a && c <= 0x202e
        || c >= 0x2066 && c <= 0x2069;
  }
}
