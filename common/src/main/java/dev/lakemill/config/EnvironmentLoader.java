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
 * under {@code lakemill}: {@code lakehouse-root}, {@code spark.master}, {@code spark.conf { ... }}.
 */
public final class EnvironmentLoader {
  private static final String FIX =
      "Fix the environment config (keys: lakemill.lakehouse-root, lakemill.spark.master, lakemill.spark.conf)";

  private EnvironmentLoader() {}

  public static Environment load(Path confDir, String env) {
    Config config = config(confDir, env);
    Path overlay = confDir.resolve(env + ".conf");
    try {
      Map<String, String> sparkConf = new LinkedHashMap<>();
      if (config.hasPath("spark.conf")) {
        for (Map.Entry<String, ConfigValue> e : config.getConfig("spark.conf").entrySet()) {
          sparkConf.put(String.join(".", ConfigUtil.splitPath(e.getKey())), String.valueOf(e.getValue().unwrapped()));
        }
      }
      String master = config.hasPath("spark.master") ? config.getString("spark.master") : "";
      return new Environment(env, config.getString("lakehouse-root"), master, sparkConf);
    } catch (ConfigException e) {
      throw new PipelineConfigException(List.of(PipelineConfigLoader.fromTypesafe(e, overlay, FIX)));
    }
  }

  /**
   * The resolved {@code lakemill} block of {@code application.conf} overlaid with {@code <env>.conf},
   * for settings that are not part of {@link Environment} (e.g. {@code lakemill.airflow}).
   *
   * @throws PipelineConfigException if a file is missing or not valid HOCON
   */
  public static Config config(Path confDir, String env) {
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
      return ConfigFactory.parseFile(overlay.toFile(), options)
          .withFallback(ConfigFactory.parseFile(base.toFile(), options))
          .resolve()
          .getConfig("lakemill");
    } catch (ConfigException e) {
      throw new PipelineConfigException(List.of(PipelineConfigLoader.fromTypesafe(e, overlay, FIX)));
    }
  }
}
