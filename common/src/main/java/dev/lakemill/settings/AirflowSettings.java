package dev.lakemill.settings;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import dev.lakemill.error.Names;
import dev.lakemill.error.PipelineConfigException;
import dev.lakemill.error.PipelineErrors;
import dev.lakemill.error.Problem;
import dev.lakemill.spec.SourceLocation;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How to reach Airflow: the {@code lakemill.airflow} block of the environment config, with command-line
 * overrides. Credentials are not part of it (see {@link AirflowCredentials}); only the path of a
 * credentials file is.
 *
 * <p>Keys and defaults:
 * <ul>
 *   <li>{@code url} ({@code http://localhost:8080}): the API server's root, without {@code /api/v1};
 *       {@code AIRFLOW_URL} overrides it in the shipped {@code application.conf}.
 *   <li>{@code version} (3): 2 speaks {@code /api/v1} with HTTP basic auth, 3 speaks {@code /api/v2} with
 *       a token from {@code POST /auth/token}.
 *   <li>{@code credentials-file} (empty: none): a properties or HOCON file with {@code username} and
 *       {@code password} (or {@code token}); a relative path resolves against the conf folder.
 *   <li>{@code connect-timeout} (10s) and {@code request-timeout} (30s): limits of every HTTP call.
 *   <li>{@code max-attempts} (4): tries per call on connection errors, timeouts, 429 and 5xx answers.
 *   <li>{@code backoff} (1s) and {@code max-backoff} (30s): the wait before the first retry, doubled for
 *       each further retry, and its cap; a {@code Retry-After} of N seconds is honoured up to the cap.
 *   <li>{@code poll-interval} (5s), {@code max-poll-interval} (60s) and {@code wait-timeout} (2h): how a
 *       wait for a run polls (doubling the interval up to the cap) and when it gives up.
 * </ul>
 */
public record AirflowSettings(
    URI url,
    AirflowVersion version,
    Path credentialsFile,
    Duration connectTimeout,
    Duration requestTimeout,
    int maxAttempts,
    Duration backoff,
    Duration maxBackoff,
    Duration pollInterval,
    Duration maxPollInterval,
    Duration waitTimeout) {

  /** The {@code lakemill.airflow} defaults; the keys of this block are the only keys allowed. */
  private static final Config REFERENCE = ConfigFactory.parseString("""
      url = "http://localhost:8080"
      version = 3
      credentials-file = ""
      connect-timeout = 10s
      request-timeout = 30s
      max-attempts = 4
      backoff = 1s
      max-backoff = 30s
      poll-interval = 5s
      max-poll-interval = 60s
      wait-timeout = 2h
      """);
  private static final String PREFIX = "lakemill.airflow.";

  /**
   * Reads {@code lakemill.airflow} from {@code <confDir>/application.conf} overlaid with {@code <env>.conf},
   * then applies {@code overrides} (keys of the block, e.g. {@code url}, from the command line).
   *
   * @throws PipelineConfigException naming the file and line of every invalid value
   */
  public static AirflowSettings load(Path confDir, String env, Map<String, ?> overrides) {
    return load(confDir.toString(), env, overrides, dev.lakemill.load.PipelineFiles.LOCAL);
  }

  /**
   * {@link #load(Path, String, Map)} of a conf folder anywhere {@code files} reads (a local folder or a
   * URI such as {@code hdfs://nn:8020/lakemill/conf}). A relative {@code credentials-file} resolves against
   * a local conf folder, and against the working directory when the folder is a URI: credentials are
   * read from the local file system only.
   */
  public static AirflowSettings load(String confDir, String env, Map<String, ?> overrides,
      dev.lakemill.load.PipelineFiles files) {
    Config lakemill = EnvironmentLoader.config(confDir, env, files);
    Config block = lakemill.hasPath("airflow") ? lakemill.getConfig("airflow") : ConfigFactory.empty();
    Path baseDir = dev.lakemill.load.Locations.isUri(confDir) ? Path.of("") : Path.of(confDir);
    return from(ConfigFactory.parseMap(overrides, "command line").withFallback(block), baseDir);
  }

  /**
   * Binds an {@code airflow} block; missing keys take their defaults.
   *
   * @param airflow the block's content ({@code url = ..., version = ...})
   * @param baseDir the folder a relative {@code credentials-file} resolves against
   * @throws PipelineConfigException naming the file and line of every invalid value
   */
  public static AirflowSettings from(Config airflow, Path baseDir) {
    List<Problem> problems = new ArrayList<>();
    for (String key : airflow.root().keySet()) {
      if (!REFERENCE.hasPath(key)) {
        problems.add(problem(airflow, key, "Unknown key '" + key + "' in lakemill.airflow"
            + Names.suggestion(key, REFERENCE.root().keySet())));
      }
    }
    Config c = airflow.withFallback(REFERENCE);
    Reader r = new Reader(c, problems);
    URI url = r.url();
    AirflowVersion version = r.version();
    String file = r.read("credentials-file", () -> c.getString("credentials-file"));
    Duration connect = r.positive("connect-timeout");
    Duration request = r.positive("request-timeout");
    Integer attempts = r.read("max-attempts", () -> c.getInt("max-attempts"));
    if (attempts != null && attempts < 1) {
      problems.add(problem(c, "max-attempts", "Cannot use max-attempts " + attempts + ": use 1 (no retries) or more"));
    }
    Duration backoff = r.positive("backoff");
    Duration maxBackoff = r.positive("max-backoff");
    Duration poll = r.positive("poll-interval");
    Duration maxPoll = r.positive("max-poll-interval");
    Duration wait = r.positive("wait-timeout");
    if (!problems.isEmpty()) {
      throw PipelineErrors.invalid(problems);
    }
    Path credentials = file == null || file.isBlank() ? null : baseDir.resolve(file);
    return new AirflowSettings(url, version, credentials, connect, request, attempts, backoff, maxBackoff, poll,
        maxPoll, wait);
  }

  /** Parses a duration the way the config does ({@code 30s}, {@code 10m}, {@code 2h}, {@code 500ms}). */
  public static Duration duration(String text, String option) {
    try {
      Duration d = ConfigFactory.parseMap(Map.of("d", text)).getDuration("d");
      if (!d.isNegative() && !d.isZero()) {
        return d;
      }
    } catch (ConfigException e) {
      // falls through to the message below
    }
    throw PipelineErrors.badDuration(option, text);
  }

  /** The root URL joined with an absolute path, e.g. {@code /api/v2/dags/x}. */
  public URI resolve(String pathAndQuery) {
    return URI.create(url.toString() + pathAndQuery);
  }

  private static Problem problem(Config c, String key, String message) {
    ConfigOrigin origin = c.hasPathOrNull(key) ? c.getValue(key).origin() : c.origin();
    String file = origin.filename() != null ? origin.filename() : origin.description();
    return new Problem(PREFIX + key, new SourceLocation(file, Math.max(origin.lineNumber(), 0)), message);
  }

  /** Reads values, turning Typesafe's type errors into problems. */
  private record Reader(Config c, List<Problem> problems) {
    interface Value<T> {
      T get();
    }

    <T> T read(String key, Value<T> value) {
      try {
        return value.get();
      } catch (ConfigException e) {
        problems.add(problem(c, key, "Cannot use " + key + " = " + c.getValue(key).render()
            + ": expected " + expected(key)));
        return null;
      }
    }

    Duration positive(String key) {
      Duration d = read(key, () -> c.getDuration(key));
      if (d != null && (d.isNegative() || d.isZero())) {
        problems.add(problem(c, key, "Cannot use " + key + " " + c.getValue(key).render()
            + ": give a positive duration such as 30s"));
      }
      return d;
    }

    URI url() {
      String text = read("url", () -> c.getString("url"));
      if (text == null) {
        return null;
      }
      if (text.contains("@")) {
        problems.add(problem(c, "url", "Cannot use credentials in url: remove 'user:password@' and give them with"
            + " AIRFLOW_USERNAME and AIRFLOW_PASSWORD or a credentials file"));
        return null;
      }
      String trimmed = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
      try {
        URI uri = new URI(trimmed);
        boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
        if (web && uri.getHost() != null && uri.getQuery() == null && !uri.getPath().endsWith("/api/v1")
            && !uri.getPath().endsWith("/api/v2")) {
          return uri;
        }
      } catch (URISyntaxException e) {
        // reported below
      }
      problems.add(problem(c, "url", "Cannot use url '" + text + "': give the root of the Airflow API server"
          + " (without /api/v1 or /api/v2), e.g. http://localhost:8080"));
      return null;
    }

    AirflowVersion version() {
      Integer major = read("version", () -> c.getInt("version"));
      if (major == null) {
        return null;
      }
      try {
        return AirflowVersion.of(major);
      } catch (IllegalArgumentException e) {
        problems.add(problem(c, "version", e.getMessage()));
        return null;
      }
    }

    private static String expected(String key) {
      if (key.equals("max-attempts") || key.equals("version")) {
        return "a whole number";
      }
      return key.equals("credentials-file") ? "a path" : "a duration such as 30s";
    }
  }
}
