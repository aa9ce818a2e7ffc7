package dev.lakemill.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where pipeline files, their includes and the environment's conf files are read from. A location is
 * a local path (as today) or a URI with a scheme ({@code hdfs://}, {@code s3a://}, {@code abfss://},
 * {@code file:}); {@link #LOCAL} reads local paths only, {@code dev.lakemill.fs.HadoopFiles} reads
 * both, URIs through Hadoop's {@code FileSystem}.
 */
@FunctionalInterface
public interface PipelineFiles {
  /** Local paths only: a URI location is reported as a missing file. */
  PipelineFiles LOCAL = location -> {
    if (Locations.isUri(location)) {
      return Optional.empty();
    }
    Path path = Path.of(location);
    return Files.isRegularFile(path) ? Optional.of(Files.readString(path, StandardCharsets.UTF_8)) : Optional.empty();
  };

  /**
   * The text (UTF-8) of the regular file at {@code location}, or empty when there is no such file.
   *
   * @throws IOException when the file system cannot be reached or the file cannot be read
   */
  Optional<String> read(String location) throws IOException;
}
