package dev.lakemill.fs;

import dev.lakemill.load.Locations;
import dev.lakemill.load.PipelineFiles;
import dev.lakemill.settings.Environment;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Pipeline and conf files anywhere Spark can read: a local path as {@link PipelineFiles#LOCAL} reads
 * it, a URI ({@code hdfs://}, {@code s3a://}, {@code abfss://}, {@code file:}) through Hadoop's
 * {@link FileSystem} with the given Hadoop settings. File systems come from Hadoop's cache (closed
 * with the JVM, as Spark's are).
 */
public final class HadoopFiles implements PipelineFiles {
  private final Configuration conf;

  private HadoopFiles(Configuration conf) {
    this.conf = conf;
  }

  /** Pipeline files of an environment: its Hadoop settings ({@link HadoopConf#of}). */
  public static PipelineFiles of(Environment env) {
    return new HadoopFiles(HadoopConf.of(env));
  }

  /**
   * The conf folder, read before there is an environment: Hadoop's defaults plus {@code HADOOP_CONF_DIR}
   * ({@link HadoopConf#bootstrap}).
   */
  public static PipelineFiles bootstrap() {
    return new HadoopFiles(HadoopConf.bootstrap());
  }

  /** With exactly these Hadoop settings. */
  public static PipelineFiles with(Configuration conf) {
    return new HadoopFiles(new Configuration(conf));
  }

  @Override
  public Optional<String> read(String location) throws IOException {
    if (!Locations.isUri(location)) {
      return PipelineFiles.LOCAL.read(location);
    }
    Path path = new Path(location);
    FileSystem fs = path.getFileSystem(conf);
    FileStatus status;
    try {
      status = fs.getFileStatus(path);
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
    if (!status.isFile()) {
      return Optional.empty();
    }
    try (InputStream in = fs.open(path)) {
      return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
