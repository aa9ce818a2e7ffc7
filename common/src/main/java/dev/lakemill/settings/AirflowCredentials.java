package dev.lakemill.settings;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.lakemill.error.PipelineConfigException;
import dev.lakemill.error.PipelineErrors;
import dev.lakemill.error.Problem;
import dev.lakemill.spec.SourceLocation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Who the client is to Airflow: a username and password, a ready bearer token, or nobody. Taken from
 * the environment ({@code AIRFLOW_TOKEN}, or {@code AIRFLOW_USERNAME} with {@code AIRFLOW_PASSWORD}) or
 * from a credentials file, never from pipeline files. The secret never appears in {@link #toString()}
 * nor in any message; {@link #source()} says where the credentials came from, for messages.
 */
public final class AirflowCredentials {
  public static final String USERNAME_VAR = "AIRFLOW_USERNAME";
  public static final String PASSWORD_VAR = "AIRFLOW_PASSWORD";
  public static final String TOKEN_VAR = "AIRFLOW_TOKEN";

  private final String username;
  private final String secret;
  private final boolean token;
  private final String source;

  private AirflowCredentials(String username, String secret, boolean token, String source) {
    this.username = username;
    this.secret = secret;
    this.token = token;
    this.source = source;
  }

  /** No credentials: only the health endpoint will answer. */
  public static AirflowCredentials none() {
    return new AirflowCredentials(null, null, false, "no credentials");
  }

  public static AirflowCredentials password(String username, String password, String source) {
    return new AirflowCredentials(username, password, false, source);
  }

  public static AirflowCredentials token(String token, String source) {
    return new AirflowCredentials(null, token, true, source);
  }

  /**
   * {@code AIRFLOW_TOKEN}, else {@code AIRFLOW_USERNAME} and {@code AIRFLOW_PASSWORD}, else the
   * credentials file, else none.
   *
   * @param env the process environment ({@code System.getenv()})
   * @param file the configured credentials file, or null
   * @throws PipelineConfigException if only one of username and password is set, or the file is unusable
   */
  public static AirflowCredentials resolve(Map<String, String> env, Path file) {
    String tokenValue = env.get(TOKEN_VAR);
    if (tokenValue != null && !tokenValue.isEmpty()) {
      return token(tokenValue, "environment variable " + TOKEN_VAR);
    }
    String user = env.get(USERNAME_VAR);
    String password = env.get(PASSWORD_VAR);
    boolean hasUser = user != null && !user.isEmpty();
    boolean hasPassword = password != null && !password.isEmpty();
    if (hasUser && hasPassword) {
      return password(user, password, "environment variables " + USERNAME_VAR + " and " + PASSWORD_VAR);
    }
    if (hasUser || hasPassword) {
      String missing = hasUser ? PASSWORD_VAR : USERNAME_VAR;
      throw invalid(new SourceLocation("environment", 0), "Missing " + missing + ": " + (hasUser ? USERNAME_VAR
          : PASSWORD_VAR) + " is set; set both " + USERNAME_VAR + " and " + PASSWORD_VAR + ", or " + TOKEN_VAR);
    }
    return file == null ? none() : fromFile(file);
  }

  /**
   * Reads {@code username} and {@code password}, or {@code token}, from a {@code .properties} file or
   * a HOCON file. Parse errors name the file and line only, never the text around them.
   */
  public static AirflowCredentials fromFile(Path file) {
    SourceLocation at = new SourceLocation(file.toString(), 0);
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw invalid(at, "Cannot read the Airflow credentials file: it does not exist or is not a readable file;"
          + " fix lakemill.airflow.credentials-file or --credentials-file");
    }
    Config c;
    try {
      c = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      int line = e.origin() != null ? Math.max(e.origin().lineNumber(), 0) : 0;
      throw invalid(new SourceLocation(file.toString(), line), "Cannot parse the Airflow credentials file: write"
          + " username = ... and password = ... lines (a .properties file takes the password unquoted)");
    }
    String source = "credentials file " + file;
    if (c.hasPath("token") && !c.hasPath("username")) {
      return token(text(c, "token", file), source);
    }
    if (!c.hasPath("username") || !c.hasPath("password")) {
      throw invalid(at, "Missing " + (c.hasPath("username") ? "password" : "username") + " in the Airflow"
          + " credentials file: write username = ... and password = ... (or token = ...)");
    }
    return password(text(c, "username", file), text(c, "password", file), source);
  }

  /** Where these credentials came from, e.g. {@code environment variable AIRFLOW_TOKEN}. */
  public String source() {
    return source;
  }

  public boolean isNone() {
    return secret == null;
  }

  public boolean isToken() {
    return token;
  }

  public String username() {
    return username;
  }

  public String secret() {
    return secret;
  }

  /** The value of an {@code Authorization: Basic} header. */
  public String basicHeader() {
    return "Basic " + Base64.getEncoder().encodeToString((username + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    if (isNone()) {
      return "AirflowCredentials[none]";
    }
    return "AirflowCredentials[" + (token ? "token" : "username and password") + " from " + source + "]";
  }

  private static String text(Config c, String key, Path file) {
    try {
      return c.getString(key);
    } catch (ConfigException e) {
      throw invalid(new SourceLocation(file.toString(), 0), "Cannot use " + key + " in the Airflow credentials"
          + " file: give it as text");
    }
  }

  private static PipelineConfigException invalid(SourceLocation at, String message) {
    return PipelineErrors.invalid(List.of(new Problem("", at, message)));
  }
}
