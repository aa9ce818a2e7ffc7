package dev.lakemill.jobs;

import dev.lakemill.fs.HadoopFiles;
import dev.lakemill.load.PipelineFiles;
import dev.lakemill.settings.Environment;
import dev.lakemill.settings.EnvironmentLoader;
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
      description = "Folder with application.conf and <env>.conf: a local folder or a Hadoop URI such as"
          + " hdfs://nn:8020/lakemill/conf (default: $LAKEMILL_CONF, else ./conf).")
  String conf;

  @Option(names = "--lakehouse", paramLabel = "ROOT", description = "Override the lakehouse root of the environment.")
  String lakehouse;

  Environment environment() {
    Environment loaded = EnvironmentLoader.load(confLocation(conf), env, confFiles());
    return lakehouse == null ? loaded : loaded.withLakehouseRoot(lakehouse);
  }

  /** Where pipeline files are read from in {@code env}: local paths, and URIs with its Hadoop settings. */
  static PipelineFiles files(Environment env) {
    return HadoopFiles.of(env);
  }

  /** The conf folder: a local path or a URI, read as {@link #confFiles()} reads it. */
  String confLocation() {
    return confLocation(conf);
  }

  /** How the conf folder is read: Hadoop's defaults and {@code HADOOP_CONF_DIR} (the environment is inside it). */
  static PipelineFiles confFiles() {
    return HadoopFiles.bootstrap();
  }

  /** {@code --conf} when given, else {@code $LAKEMILL_CONF}, else {@code conf}: a local path or a URI. */
  static String confLocation(String given) {
    if (given != null) {
      return given;
    }
    String fromEnv = System.getenv("LAKEMILL_CONF");
    return fromEnv != null && !fromEnv.isEmpty() ? fromEnv : "conf";
  }
}
