package dev.lakemill.error;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Did-you-mean suggestions for misspelt keys, names and enum values. */
public final class Names {
  private Names() {}

  /** The closest candidate within a small edit distance of {@code given}, if any. */
  public static Optional<String> closest(String given, Collection<String> candidates) {
    String lower = given.toLowerCase(Locale.ROOT);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int d = distance(lower, candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    int allowed = Math.max(2, given.length() / 3);
    return bestDistance <= allowed ? Optional.ofNullable(best) : Optional.empty();
  }

  /** "; did you mean 'x'?" or, without a close candidate, "; use one of a, b, c". */
  public static String suggestion(String given, Collection<String> candidates) {
    return closest(given, candidates)
        .map(c -> "; did you mean '" + c + "'?")
        .orElseGet(
            () ->
                candidates.isEmpty()
                    ? ""
                    : "; use one of " + String.join(", ", candidates.stream().sorted().toList()));
  }

  /** Optimal string alignment distance (Levenshtein plus transpositions). */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
