package dev.lakemill.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import dev.lakemill.spec.SourceLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads {@code <conf dir>/application.conf} overlaid with {@code <conf dir>/<env>.conf}. Keys live
 * under {@code lakemill}: {@code lakehouse-root}, {@code spark.master}, {@code spark.conf { ... }},
 * {@code lease { ttl, heartbeat, on-busy, wait-timeout }} (see {@link LeaseSettings}).
 */
public final class EnvironmentLoader {
  private EnvironmentLoader() {}

  public static Environment load(Path confDir, String env) {
    Path base = confDir.resolve("application.conf");
    Path overlay = confDir.resolve(env + ".conf");
    for (Path p : List.of(base, overlay)) {
      if (!Files.isRegularFile(p)) {
        throw new PipelineConfigException(List.of(new Problem("", new SourceLocation(p.toString(), 0),
            PipelineErrors.missingFile("environment config", "pass --conf <folder holding application.conf and "
                + env + ".conf> or set LAKEMILL_CONF"))));
      }
    }
    ConfigParseOptions options = ConfigParseOptions.defaults().setAllowMissing(false);
    try {
      Config config = ConfigFactory.parseFile(overlay.toFile(), options)
          .withFallback(ConfigFactory.parseFile(base.toFile(), options))
          .resolve()
          .getConfig("lakemill");
      Map<String, String> sparkConf = new LinkedHashMap<>();
      if (config.hasPath("spark.conf")) {
        for (Map.Entry<String, ConfigValue> e : config.getConfig("spark.conf").entrySet()) {
          sparkConf.put(String.join(".", ConfigUtil.splitPath(e.getKey())), String.valueOf(e.getValue().unwrapped()));
        }
      }
      String master = config.hasPath("spark.master") ? config.getString("spark.master") : "";
      return new Environment(env, config.getString("lakehouse-root"), master, sparkConf, lease(config));
    } catch (ConfigException e) {
      throw new PipelineConfigException(List.of(PipelineConfigLoader.fromTypesafe(e, overlay,
          "Fix the environment config (keys: lakemill.lakehouse-root, lakemill.spark.master, lakemill.spark.conf,"
              + " lakemill.lease)")));
    }
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
    return new PipelineConfigException(List.of(new Problem("lakemill.lease" + (key.isEmpty() ? "" : "." + key),
        Origins.location(at.origin()), message)));
  }
}
