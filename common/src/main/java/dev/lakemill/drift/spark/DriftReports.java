package dev.lakemill.drift.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;

/**
 * Writes a drift report so that readers never see half a file: a temporary file next to it, then a
 * rename over it (atomic on local and HDFS file systems; on object stores the rename is a copy).
 */
public final class DriftReports {
  private DriftReports() {}

  /** @param target an absolute local path or a Hadoop file system URI */
  public static void write(SparkSession spark, String target, String html) {
    try {
      if (target.startsWith("/") || target.startsWith("file:")) {
        Path file = target.startsWith("file:") ? Path.of(URI.create(target)) : Path.of(target);
        Files.createDirectories(file.getParent());
        dev.lakemill.fs.LocalFiles.writeAtomically(file, html.getBytes(StandardCharsets.UTF_8));
        return;
      }
      org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(target);
      FileSystem fs = file.getFileSystem(spark.sessionState().newHadoopConf());
      org.apache.hadoop.fs.Path temp = new org.apache.hadoop.fs.Path(file.getParent(),
          "." + file.getName() + "." + UUID.randomUUID() + ".tmp");
      try (OutputStream out = fs.create(temp, true)) {
        out.write(html.getBytes(StandardCharsets.UTF_8));
      }
      if (fs.exists(file)) {
        fs.delete(file, false);
      }
      if (!fs.rename(temp, file)) {
        fs.delete(temp, false);
        throw new IOException("rename of " + temp + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the drift report " + target, e);
    }
  }
}
