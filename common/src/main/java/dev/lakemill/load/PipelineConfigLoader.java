package dev.lakemill.load;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.lakemill.error.PipelineConfigException;
import dev.lakemill.error.PipelineErrors;
import dev.lakemill.error.Problem;
import dev.lakemill.spec.SourceLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a pipeline file into a resolved {@link Config}: HOCON syntax, a missing file, unknown
 * {@code --param} names and unresolved substitutions all become {@link PipelineConfigException}s
 * that carry the file and line.
 */
public final class PipelineConfigLoader {
  /** Origin description of values given with {@code --param key=value}. */
  public static final String COMMAND_LINE = "command line --param";

  private PipelineConfigLoader() {}

  /**
   * A pipeline file read and resolved, with what binding needs from the file as written.
   *
   * @param config the resolved config, {@code --param} overrides applied
   * @param params each declared param's type, from its default in the file
   * @param problems problems seen in the file as written (substitutions outside the quotes of SQL)
   */
  public record Loaded(Config config, Map<String, ParamTypes.Declared> params, List<Problem> problems) {
    public Loaded {
      params = Map.copyOf(params);
      problems = List.copyOf(problems);
    }
  }

  /**
   * @param file the pipeline file
   * @param paramOverrides {@code --param} values; each must name a key declared under {@code params}
   */
  public static Config load(Path file, Map<String, String> paramOverrides) {
    return read(file, paramOverrides).config();
  }

  /** {@link #read(String, Map, PipelineFiles)} of a local file. */
  public static Loaded read(Path file, Map<String, String> paramOverrides) {
    return read(file.toString(), paramOverrides, PipelineFiles.LOCAL);
  }

  /**
   * Like {@link #load}, and also types the params and finds substitutions that would paste text into
   * SQL ({@link UnquotedSubstitutions}).
   */
  public static Loaded read(String file, Map<String, String> paramOverrides, PipelineFiles files) {
    Config parsed = parse(file, files, new ArrayList<>());
    List<Problem> problems = new ArrayList<>();
    for (String key : paramOverrides.keySet()) {
      boolean known;
      try {
        known = parsed.hasPathOrNull("params." + key);
      } catch (ConfigException.BadPath e) {
        problems.add(new Problem("params", new SourceLocation(COMMAND_LINE, 0), PipelineErrors.badParamKey(key)));
        continue;
      }
      if (!known) {
        List<String> declared =
            parsed.hasPath("params") ? List.copyOf(parsed.getObject("params").keySet()) : List.of();
        problems.add(
            new Problem(
                "params." + key,
                new SourceLocation(COMMAND_LINE, 0),
                PipelineErrors.unknownParam(key, declared, file)));
      }
    }
    if (!problems.isEmpty()) {
      throw PipelineErrors.invalid(problems);
    }
    Config overrides =
        ConfigFactory.parseMap(prefixed(paramOverrides), COMMAND_LINE);
    try {
      Config resolved = overrides.withFallback(parsed).resolve();
      List<Problem> unquoted = new ArrayList<>();
      UnquotedSubstitutions.find(parsed, unquoted);
      return new Loaded(resolved, ParamTypes.declared(parsed), unquoted);
    } catch (ConfigException e) {
      throw PipelineErrors.invalid(
          List.of(
              fromTypesafe(
                  e,
                  file,
                  "Declare the referenced key (e.g. under params), pass it with --param,"
                      + " or use ${?VAR} for an optional environment variable")));
    }
  }

  /**
   * The files a pipeline file includes, in the order read, each as an absolute path. Empty for a
   * file without includes.
   *
   * @throws PipelineConfigException when the file does not parse or makes an include it may not
   */
  public static List<Path> includes(Path file) {
    return includes(file.toString(), PipelineFiles.LOCAL).stream().map(Path::of).toList();
  }

  /** {@link #includes(Path)} of a file anywhere {@code files} reads: absolute locations. */
  public static List<String> includes(String file, PipelineFiles files) {
    List<String> included = new ArrayList<>();
    parse(file, files, included);
    return List.copyOf(included);
  }

  /**
   * The bytes the pipeline is made of: the pipeline file's, then for each included file its path
   * relative to the pipeline file's folder, a line break and its bytes. Exactly the pipeline file's
   * bytes when it includes nothing. What a DAG file's fingerprint hashes.
   */
  public static byte[] contents(Path file) throws java.io.IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(Files.readAllBytes(file));
    Path folder = file.toAbsolutePath().normalize().getParent();
    for (Path included : includes(file)) {
      out.write(("\n" + folder.relativize(included) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      out.write(Files.readAllBytes(included));
    }
    return out.toByteArray();
  }

  /** Parses the file and its includes ({@link PipelineIncluder}'s rules), recording each included file. */
  private static Config parse(String file, PipelineFiles files, List<String> included) {
    List<Problem> refused = new ArrayList<>();
    Config parsed;
    try {
      if (files.read(file).isEmpty()) {
        throw PipelineErrors.invalid(List.of(new Problem("", new SourceLocation(file, 0),
            PipelineErrors.missingFile("pipeline file", "check the path"))));
      }
      parsed = PipelineIncluder.parse(files, file, file, new PipelineIncluder(file, files, included, refused)).toConfig();
    } catch (ConfigException e) {
      throw PipelineErrors.invalid(List.of(fromTypesafe(e, file, "Fix the HOCON syntax")));
    } catch (java.io.IOException e) {
      throw PipelineErrors.invalid(List.of(new Problem("", new SourceLocation(file, 0),
          PipelineErrors.unreadableFile("pipeline file " + file, String.valueOf(e.getMessage())))));
    }
    if (!refused.isEmpty()) {
      throw PipelineErrors.invalid(refused);
    }
    return parsed;
  }

  private static Map<String, Object> prefixed(Map<String, String> params) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    params.forEach((k, v) -> out.put("params." + k, v));
    return out;
  }

  /** Typesafe's message starts with the origin ("file: line: "); keep the rest and add a fix. */
  public static Problem fromTypesafe(ConfigException e, Path file, String fix) {
    return fromTypesafe(e, file.toString(), fix);
  }

  /** {@link #fromTypesafe(ConfigException, Path, String)} for a file named by its location. */
  public static Problem fromTypesafe(ConfigException e, String file, String fix) {
    SourceLocation at =
        e.origin() != null ? Origins.location(e.origin()) : new SourceLocation(file, 0);
    String message = e.getMessage();
    if (e.origin() != null && message.startsWith(e.origin().description())) {
      message = message.substring(e.origin().description().length());
    }
    message = message.replaceFirst("^[:\\s]+", "");
    if (!message.isEmpty()) {
      message = Character.toUpperCase(message.charAt(0)) + message.substring(1);
    }
    return new Problem("", at, message + (message.endsWith(".") ? " " : ". ") + fix);
  }
}
