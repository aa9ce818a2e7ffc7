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

  private final PipelineFiles files;
  private final String root;
  private final String including;
  private final String includingName;
  private final List<String> chain;
  private final List<String> included;
  private final List<Problem> problems;

  /**
   * @param pipelineFile the pipeline file's location (a local path or a URI): its folder is the root
   *     includes must stay inside
   * @param files where the file and its includes are read from
   * @param included receives every included file (absolute location), in the order read
   * @param problems receives every refused include
   */
  PipelineIncluder(String pipelineFile, PipelineFiles files, List<String> included, List<Problem> problems) {
    this(files, Locations.folder(pipelineFile), Locations.absolute(pipelineFile), pipelineFile,
        List.of(Locations.absolute(pipelineFile)), included, problems);
  }

  private PipelineIncluder(PipelineFiles files, String root, String including, String includingName, List<String> chain,
      List<String> included, List<Problem> problems) {
    this.files = files;
    this.root = root;
    this.including = including;
    this.includingName = includingName;
    this.chain = chain;
    this.included = included;
    this.problems = problems;
  }

  /**
   * Parses the file at {@code location} ({@code name} in messages) with {@code includer}: a local file as
   * Typesafe's own file parser does, a URI from its text with the URI as the origin, so that messages
   * read "uri: line: ..." exactly as "file: line: ..." for a local file.
   */
  static ConfigObject parse(PipelineFiles files, String location, String name, ConfigIncluder includer)
      throws IOException {
    if (!Locations.isUri(location)) {
      return ConfigFactory.parseFile(new File(location), options(includer)).root();
    }
    String text = files.read(location).orElseThrow(() -> new java.io.FileNotFoundException(location));
    return ConfigFactory.parseReader(new java.io.StringReader(text), options(includer).setOriginDescription(name))
        .root();
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
    boolean absolute = Locations.isUri(root) ? what.startsWith("/") : Path.of(what).isAbsolute();
    String target = absolute ? what : Locations.resolve(Locations.folder(including), what);
    String problem = null;
    String text = null;
    if (absolute || !Locations.inside(target, root)) {
      problem = PipelineErrors.includeOutsideFolder(written, root);
    } else if (chain.contains(target)) {
      problem = PipelineErrors.includeCycle(written, target);
    } else if (!Locations.isUri(target) && !realPathInside(Path.of(target))) {
      problem = Files.isRegularFile(Path.of(target)) ? PipelineErrors.includeOutsideFolder(written, root)
          : PipelineErrors.includeMissing(written, target);
    } else {
      try {
        text = files.read(target).orElse(null);
        if (text == null) {
          problem = PipelineErrors.includeMissing(written, target);
        }
      } catch (IOException e) {
        problem = PipelineErrors.unreadableFile("included file " + target, e.getMessage());
      }
    }
    if (problem != null) {
      problems.add(new Problem("include", at(what), problem));
      return empty();
    }
    included.add(target);
    List<String> deeper = new ArrayList<>(chain);
    deeper.add(target);
    PipelineIncluder nested = new PipelineIncluder(files, root, target, target, List.copyOf(deeper), included, problems);
    if (!Locations.isUri(target)) {
      return ConfigFactory.parseFile(new File(target), options(nested)).root();
    }
    return ConfigFactory.parseReader(new java.io.StringReader(text), options(nested).setOriginDescription(target)).root();
  }

  /** A symbolic link may not lead out of the folder either (false also for a missing file). */
  private boolean realPathInside(Path target) {
    try {
      return target.toRealPath().startsWith(Path.of(root).toRealPath());
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
      List<String> lines = files.read(including).map(String::lines).map(l -> l.toList()).orElse(List.of());
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
