package dev.lakemill.load;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import dev.lakemill.error.PipelineErrors;
import dev.lakemill.error.Problem;
import dev.lakemill.spec.SourceLocation;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The only includes a pipeline file may make: files, by a path relative to the including file's
 * folder, inside the pipeline file's folder. Typesafe Config resolves includes while it parses, so
 * this includer refuses {@code url(...)}, {@code classpath(...)}, absolute paths, paths that leave
 * the folder, missing files and include cycles before anything is read or fetched; each refusal is
 * recorded as a problem at the include's line and the include contributes nothing. Every file it
 * reads is recorded, in order, for the pipeline's fingerprint.
 */
final class PipelineIncluder implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderURL, ConfigIncluderClasspath {
  /** {@code scheme:}: how Typesafe tells a URL from a file name in {@code include "..."}. */
  private static final Pattern URL_LIKE = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");

  private final Path root;
  private final Path including;
  private final String includingName;
  private final List<Path> chain;
  private final List<Path> included;
  private final List<Problem> problems;

  /**
   * @param pipelineFile the pipeline file: its folder is the root includes must stay inside
   * @param included receives every included file, in the order read
   * @param problems receives every refused include
   */
  PipelineIncluder(Path pipelineFile, List<Path> included, List<Problem> problems) {
    this(pipelineFile.toAbsolutePath().normalize().getParent(), pipelineFile.toAbsolutePath().normalize(),
        pipelineFile.toString(), List.of(pipelineFile.toAbsolutePath().normalize()), included, problems);
  }

  private PipelineIncluder(Path root, Path including, String includingName, List<Path> chain, List<Path> included,
      List<Problem> problems) {
    this.root = root;
    this.including = including;
    this.includingName = includingName;
    this.chain = chain;
    this.included = included;
    this.problems = problems;
  }

  /** Parse options for a file this includer's includes are relative to. */
  static ConfigParseOptions options(ConfigIncluder includer) {
    return ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false).setIncluder(includer);
  }

  @Override
  public ConfigIncluder withFallback(ConfigIncluder fallback) {
    return this;
  }

  @Override
  public ConfigObject include(ConfigIncludeContext context, String what) {
    if (URL_LIKE.matcher(what).matches()) {
      return refuse("url", what);
    }
    return file(what, "\"" + what + "\"");
  }

  @Override
  public ConfigObject includeFile(ConfigIncludeContext context, File what) {
    return file(what.getPath(), "file(\"" + what.getPath() + "\")");
  }

  @Override
  public ConfigObject includeURL(ConfigIncludeContext context, URL what) {
    return refuse("url", what.toExternalForm());
  }

  @Override
  public ConfigObject includeResources(ConfigIncludeContext context, String what) {
    return refuse("classpath", what);
  }

  private ConfigObject file(String what, String written) {
    Path given = Path.of(what);
    Path target = including.getParent().resolve(given).normalize();
    String problem = null;
    if (given.isAbsolute() || !target.startsWith(root)) {
      problem = PipelineErrors.includeOutsideFolder(written, root.toString());
    } else if (!Files.isRegularFile(target)) {
      problem = PipelineErrors.includeMissing(written, target.toString());
    } else if (chain.contains(target)) {
      problem = PipelineErrors.includeCycle(written, target.toString());
    } else if (!realPathInside(target)) {
      problem = PipelineErrors.includeOutsideFolder(written, root.toString());
    }
    if (problem != null) {
      problems.add(new Problem("include", at(what), problem));
      return empty();
    }
    included.add(target);
    List<Path> deeper = new ArrayList<>(chain);
    deeper.add(target);
    PipelineIncluder nested = new PipelineIncluder(root, target, target.toString(), List.copyOf(deeper), included, problems);
    return ConfigFactory.parseFile(target.toFile(), options(nested)).root();
  }

  /** A symbolic link may not lead out of the folder either. */
  private boolean realPathInside(Path target) {
    try {
      return target.toRealPath().startsWith(root.toRealPath());
    } catch (IOException e) {
      return false;
    }
  }

  private ConfigObject refuse(String kind, String what) {
    problems.add(new Problem("include", at(what), PipelineErrors.includeRefused(kind, what)));
    return empty();
  }

  private static ConfigObject empty() {
    return ConfigFactory.empty().root();
  }

  /** The line of the including file that includes {@code what} (Typesafe gives includers no origin). */
  private SourceLocation at(String what) {
    try {
      List<String> lines = Files.readAllLines(including);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).contains("include") && lines.get(i).contains(what)) {
          return new SourceLocation(includingName, i + 1);
        }
      }
    } catch (IOException e) {
      // fall through: the file is named without a line
    }
    return new SourceLocation(includingName, 0);
  }
}
