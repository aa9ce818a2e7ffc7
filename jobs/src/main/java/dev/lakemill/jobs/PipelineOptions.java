package dev.lakemill.jobs;

import dev.lakemill.settings.Environment;
import dev.lakemill.settings.EnvironmentLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options shared by commands that need params or the environment config. */
final class PipelineOptions {
  @Option(names = "--param", paramLabel = "KEY=VALUE", description = "Override a key under params (repeatable).")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(names = "--env", defaultValue = "local", description = "Environment overlay in the conf folder (default: ${DEFAULT-VALUE}).")
  String env;

  @Option(names = "--conf", paramLabel = "DIR",
      description = "Folder with application.conf and <env>.conf (default: $LAKEMILL_CONF, else ./conf).")
  Path conf;

  @Option(names = "--lakehouse", paramLabel = "ROOT", description = "Override the lakehouse root of the environment.")
  String lakehouse;

  Environment environment() {
    Environment loaded = EnvironmentLoader.load(confDir(conf), env);
    return lakehouse == null ? loaded : loaded.withLakehouseRoot(lakehouse);
  }

  /** {@code --conf} when given, else {@code $LAKEMILL_CONF}, else {@code ./conf}. */
  static Path confDir(Path given) {
    if (given != null) {
      return given;
    }
    String fromEnv = System.getenv("LAKEMILL_CONF");
    return Path.of(fromEnv != null && !fromEnv.isEmpty() ? fromEnv : "conf");
  }
}
