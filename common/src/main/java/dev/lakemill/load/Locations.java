package dev.lakemill.load;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * Locations of pipeline and conf files: a local path, or a URI with a scheme of two letters or more
 * ({@code hdfs://nn:8020/pipelines/churn.conf}; {@code C:\x} stays a local path). Relative paths in a
 * file (includes, sources) resolve against the folder of the file that names them: a local folder
 * for a local file, the file's folder URI for a URI.
 */
public final class Locations {
  private Locations() {}

  public static boolean isUri(String location) {
    try {
      String scheme = new URI(location).getScheme();
      return scheme != null && scheme.length() > 1;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** The absolute, normalized form: an absolute local path, or the URI normalized. */
  public static String absolute(String location) {
    return isUri(location) ? URI.create(location).normalize().toString()
        : Path.of(location).toAbsolutePath().normalize().toString();
  }

  /** The folder holding {@code file} (absolute), without a trailing slash. */
  public static String folder(String file) {
    if (isUri(file)) {
      String folder = URI.create(file).normalize().resolve(".").toString();
      return folder.endsWith("/") ? folder.substring(0, folder.length() - 1) : folder;
    }
    return Path.of(file).toAbsolutePath().normalize().getParent().toString();
  }

  /** {@code relative} resolved against {@code folder} ({@link #folder}) and normalized. */
  public static String resolve(String folder, String relative) {
    if (isUri(folder)) {
      try {
        URI rel = new URI(null, null, relative, null);
        return URI.create(folder + "/").resolve(rel).normalize().toString();
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("not a relative path: " + relative, e);
      }
    }
    return Path.of(folder).resolve(relative).normalize().toString();
  }

  /** Whether {@code location} ({@link #resolve}d) is {@code folder} or inside it. */
  public static boolean inside(String location, String folder) {
    return isUri(folder) ? location.startsWith(folder + "/") : Path.of(location).startsWith(Path.of(folder));
  }

  /** {@code location} relative to {@code folder}, for a location {@link #inside} it. */
  public static String relative(String folder, String location) {
    return isUri(folder) ? location.substring(folder.length() + 1)
        : Path.of(folder).relativize(Path.of(location)).toString();
  }

  /** The last segment of a location: its file name. */
  public static String fileName(String location) {
    String path = isUri(location) ? URI.create(location).getPath() : location;
    return Path.of(path).getFileName().toString();
  }
}
