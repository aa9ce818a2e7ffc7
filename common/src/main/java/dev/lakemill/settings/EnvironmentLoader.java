package dev.lakemill.settings;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import dev.lakemill.error.PipelineConfigException;
import dev.lakemill.error.PipelineErrors;
import dev.lakemill.error.Problem;
import dev.lakemill.load.Locations;
import dev.lakemill.load.Origins;
import dev.lakemill.load.PipelineFiles;
import dev.lakemill.load.PipelineConfigLoader;
import dev.lakemill.spec.SourceLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads {@code <conf dir>/application.conf} overlaid with {@code <conf dir>/<env>.conf}. Keys live
 * under {@code lakemill}: {@code lakehouse-root}, {@code spark.master}, {@code spark.conf { ... }},
 * {@code dags { ... }} ({@link DagSettings}) and {@code lease { ttl, heartbeat, on-busy, wait-timeout }}
 * ({@link LeaseSettings}).
 */
public final class EnvironmentLoader {
  private static final String FIX = "Fix the environment config (keys: lakemill.lakehouse-root, lakemill.spark.master,"
      + " lakemill.spark.conf, lakemill.dags, lakemill.lease, lakemill.airflow)";

  private EnvironmentLoader() {}

  public static Environment load(Path confDir, String env) {
    return load(confDir.toString(), env, PipelineFiles.LOCAL);
  }

  /**
   * {@link #load(Path, String)} of a conf folder anywhere {@code files} reads: a local folder or a URI
   * ({@code hdfs://nn:8020/lakemill/conf}); messages name each file by its location.
   */
  public static Environment load(String confDir, String env, PipelineFiles files) {
    Config config = config(confDir, env, files);
    String overlay = file(confDir, env + ".conf");
    try {
      Map<String, String> sparkConf = flatStrings(config, "spark.conf");
      String master = config.hasPath("spark.master") ? config.getString("spark.master") : "";
      DagSettings dags = config.hasPath("dags") ? dags(config.getConfig("dags")) : DagSettings.DEFAULTS;
      return new Environment(env, config.getString("lakehouse-root"), master, sparkConf, dags, lease(config));
    } catch (ConfigException e) {
      throw PipelineErrors.invalid(List.of(PipelineConfigLoader.fromTypesafe(e, overlay, FIX)));
    }
  }

  /**
   * The resolved {@code lakemill} block of {@code application.conf} overlaid with {@code <env>.conf},
   * for settings that are not part of {@link Environment} (e.g. {@code lakemill.airflow}).
   *
   * @throws PipelineConfigException if a file is missing or not valid HOCON
   */
  public static Config config(Path confDir, String env) {
    return config(confDir.toString(), env, PipelineFiles.LOCAL);
  }

  /** {@link #config(Path, String)} of a conf folder anywhere {@code files} reads. */
  public static Config config(String confDir, String env, PipelineFiles files) {
    if (Locations.isUri(confDir)) {
      return remoteConfig(confDir, env, files);
    }
    return localConfig(Path.of(confDir), env);
  }

  /** The conf file {@code name} in the folder {@code confDir}, named as messages name it. */
  private static String file(String confDir, String name) {
    return Locations.isUri(confDir) ? Locations.resolve(confDir.replaceAll("/+$", ""), name)
        : Path.of(confDir).resolve(name).toString();
  }

  private static Config remoteConfig(String confDir, String env, PipelineFiles files) {
    String base = file(confDir, "application.conf");
    String overlay = file(confDir, env + ".conf");
    List<Config> parsed = new ArrayList<>();
    for (String f : List.of(overlay, base)) {
      String text;
      try {
        text = files.read(f).orElse(null);
      } catch (java.io.IOException e) {
        throw PipelineErrors.invalid(List.of(new Problem("", new SourceLocation(f, 0),
            PipelineErrors.unreadableFile("environment config " + f, String.valueOf(e.getMessage())))));
      }
      if (text == null) {
        throw missing(f, env);
      }
      try {
        parsed.add(ConfigFactory.parseReader(new java.io.StringReader(text),
            ConfigParseOptions.defaults().setAllowMissing(false).setOriginDescription(f)));
      } catch (ConfigException e) {
        throw PipelineErrors.invalid(List.of(PipelineConfigLoader.fromTypesafe(e, f, FIX)));
      }
    }
    try {
      return parsed.get(0).withFallback(parsed.get(1)).resolve().getConfig("lakemill");
    } catch (ConfigException e) {
      throw PipelineErrors.invalid(List.of(PipelineConfigLoader.fromTypesafe(e, overlay, FIX)));
    }
  }

  private static PipelineConfigException missing(String file, String env) {
    return PipelineErrors.invalid(List.of(new Problem("", new SourceLocation(file, 0),
        PipelineErrors.missingFile("environment config", "pass --conf <folder holding application.conf and "
            + env + ".conf> or set LAKEMILL_CONF"))));
  }

  private static Config localConfig(Path confDir, String env) {
    Path base = confDir.resolve("application.conf");
    Path overlay = confDir.resolve(env + ".conf");
    for (Path p : List.of(base, overlay)) {
      if (!Files.isRegularFile(p)) {
        throw missing(p.toString(), env);
      }
    }
    ConfigParseOptions options = ConfigParseOptions.defaults().setAllowMissing(false);
    try {
      return ConfigFactory.parseFile(overlay.toFile(), options)
          .withFallback(ConfigFactory.parseFile(base.toFile(), options))
          .resolve()
          .getConfig("lakemill");
    } catch (ConfigException e) {
      throw PipelineErrors.invalid(List.of(PipelineConfigLoader.fromTypesafe(e, overlay, FIX)));
    }
  }

  /** The {@code lakemill.dags} block: unknown keys and negative numbers are problems with file and line. */
  private static DagSettings dags(Config block) {
    List<Problem> problems = new ArrayList<>();
    for (String key : block.root().keySet()) {
      if (!DagSettings.KEYS.contains(key)) {
        problems.add(new Problem("lakemill.dags." + key, Origins.location(block.root().get(key).origin()),
            PipelineErrors.unknownKey(key, "lakemill.dags", DagSettings.KEYS)));
      }
    }
    DagSettings d = DagSettings.DEFAULTS;
    int retries = block.hasPath("retries") ? block.getInt("retries") : d.retries();
    int delay = block.hasPath("retry-delay-minutes") ? block.getInt("retry-delay-minutes") : d.retryDelayMinutes();
    for (String key : List.of("retries", "retry-delay-minutes")) {
      if (block.hasPath(key) && block.getInt(key) < 0) {
        problems.add(new Problem("lakemill.dags." + key, Origins.location(block.getValue(key).origin()),
            PipelineErrors.negative(key, block.getInt(key), "must be >= 0")));
      }
    }
    if (block.hasPath("deploy") && !List.of(DagSettings.SHARED, DagSettings.SHIP).contains(block.getString("deploy"))) {
      problems.add(new Problem("lakemill.dags.deploy", Origins.location(block.getValue("deploy").origin()),
          PipelineErrors.unknownDeploy(block.getString("deploy"))));
    }
    for (String key : List.of("env", "conn-id")) {
      if (block.hasPath(key) && block.getString(key).isBlank()) {
        problems.add(new Problem("lakemill.dags." + key, Origins.location(block.getValue(key).origin()),
            PipelineErrors.blankSetting(key)));
      }
    }
    if (!problems.isEmpty()) {
      throw PipelineErrors.invalid(problems);
    }
    return new DagSettings(
        block.hasPath("application-jar") ? block.getString("application-jar") : d.applicationJar(),
        block.hasPath("pipelines-dir") ? block.getString("pipelines-dir") : d.pipelinesDir(),
        block.hasPath("env") ? block.getString("env") : d.env(),
        block.hasPath("conn-id") ? block.getString("conn-id") : d.connId(),
        retries, delay, flatStrings(block, "spark-conf"),
        block.hasPath("jars") ? block.getStringList("jars") : d.jars(),
        block.hasPath("packages") ? block.getStringList("packages") : d.packages(),
        flatStrings(block, "env-vars"),
        block.hasPath("deploy") ? block.getString("deploy") : d.deploy(),
        block.hasPath("conf-dir") ? block.getString("conf-dir") : d.confDir());
  }

  /** A block of settings as dotted keys to strings: {@code spark.sql.x = 1} stays one key. */
  private static Map<String, String> flatStrings(Config config, String path) {
    Map<String, String> out = new LinkedHashMap<>();
    if (config.hasPath(path)) {
      for (Map.Entry<String, ConfigValue> e : config.getConfig(path).entrySet()) {
        out.put(String.join(".", ConfigUtil.splitPath(e.getKey())), String.valueOf(e.getValue().unwrapped()));
      }
    }
    return out;
  }

  private static LeaseSettings lease(Config config) {
    LeaseSettings d = LeaseSettings.DEFAULTS;
    if (!config.hasPath("lease")) {
      return d;
    }
    Config lease = config.getConfig("lease");
    LeaseSettings.OnBusy onBusy = d.onBusy();
    if (lease.hasPath("on-busy")) {
      String given = lease.getString("on-busy");
      List<String> allowed = List.of(LeaseSettings.OnBusy.WAIT.key(), LeaseSettings.OnBusy.FAIL.key());
      if (!allowed.contains(given)) {
        throw problem(lease.getValue("on-busy"), "on-busy",
            PipelineErrors.unknownValue("lease.on-busy value", given, allowed));
      }
      onBusy = LeaseSettings.OnBusy.valueOf(given.toUpperCase(java.util.Locale.ROOT));
    }
    try {
      return new LeaseSettings(duration(lease, "ttl", d.ttl()), duration(lease, "heartbeat", d.heartbeat()), onBusy,
          duration(lease, "wait-timeout", d.waitTimeout()));
    } catch (IllegalArgumentException e) {
      throw problem(lease.root(), "", e.getMessage());
    }
  }

  private static java.time.Duration duration(Config lease, String key, java.time.Duration fallback) {
    return lease.hasPath(key) ? lease.getDuration(key) : fallback;
  }

  private static PipelineConfigException problem(ConfigValue at, String key, String message) {
    return PipelineErrors.invalid(List.of(new Problem("lakemill.lease" + (key.isEmpty() ? "" : "." + key),
        Origins.location(at.origin()), message)));
  }
}
