package dev.lakemill.sources;

import dev.lakemill.compile.PipelineCompiler;
import dev.lakemill.fs.Storage;
import dev.lakemill.plan.SourcePlan;
import dev.lakemill.spec.SourceFormat;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A source's own fingerprint: its declaration's hash; for file sources also every data file's path,
 * size and modification time (one listing, no data read), so that a replaced file makes downstream
 * steps run again. Delta sources are versioned instead; generated sources are their declaration.
 */
public final class SourceStamps {
  private SourceStamps() {}

  /** @param hadoop the Hadoop settings the files are listed with (the environment's, or a session's) */
  public static String fingerprint(Configuration hadoop, SourcePlan source) {
    if (source.format() == SourceFormat.GENERATE || source.format() == SourceFormat.DELTA) {
      return source.configHash();
    }
    return source.configHash() + ":" + PipelineCompiler.sha256(String.join("\n", files(hadoop, source.location())));
  }

  /** {@code path size mtime} of every visible file under {@code location}, sorted; empty when it is missing. */
  static List<String> files(Configuration hadoop, String location) {
    Path root = new Path(location);
    List<String> files = new ArrayList<>();
    try {
      for (Storage.Entry f : Storage.of(hadoop).filesUnder(location)) {
        if (visible(root, new Path(f.path()))) {
          files.add(f.path() + " " + f.length() + " " + f.modified());
        }
      }
    } catch (FileNotFoundException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the files of " + location, e);
    }
    files.sort(Comparator.naturalOrder());
    return files;
  }

  /**
   * Spark skips files and folders starting with {@code _} or {@code .} (markers, checksums) below the location it
   * reads; the folders above it (say {@code /data/_incoming/plans}) do not count. Compared by path alone: the
   * listing qualifies its paths ({@code file:/...}, {@code hdfs://nn/...}) where the location may not be.
   */
  private static boolean visible(Path root, Path file) {
    String rootPath = root.toUri().getPath();
    String filePath = file.toUri().getPath();
    String below;
    if (filePath.equals(rootPath)) {
      below = "";
    } else if (filePath.startsWith(rootPath.endsWith("/") ? rootPath : rootPath + "/")) {
      below = filePath.substring(rootPath.length());
    } else {
      below = file.getName();
    }
    for (String name : below.split("/")) {
      if (name.startsWith("_") || name.startsWith(".")) {
        return false;
      }
    }
    return true;
  }
}
