package dev.lakemill.sources;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * Finds the line numbers of bad records in a text file by reading it from its start in the driver,
 * and only as far as the last record sought. Spark's csv and json readers do not track lines, so this
 * runs only after a failure (for the first bad record) or for quarantined records.
 */
final class LineLocator {
  private LineLocator() {}

  /**
   * @param file the file as Spark names it (a URI)
   * @param records raw texts of records of that file that are lines, in the order the file holds them
   * @param header whether the file's first line is a header (never a record)
   * @return each record's 1-based line, or null for those not found (the rest of the file is read once)
   */
  static List<Long> locate(Configuration conf, String file, List<String> records, boolean header) {
    Long[] lines = new Long[records.size()];
    Path path = new Path(URI.create(file));
    try (BufferedReader in = open(conf, path)) {
      long number = 0;
      int next = 0;
      for (String line = in.readLine(); line != null && next < lines.length; line = in.readLine()) {
        number++;
        if (!(header && number == 1) && line.equals(records.get(next))) {
          lines[next++] = number;
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      // Lines stay unknown: the message or the quarantine row then goes without them.
    }
    return Arrays.asList(lines);
  }

  private static BufferedReader open(Configuration conf, Path path) throws IOException {
    InputStream raw = path.getFileSystem(conf).open(path);
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
    InputStream in = codec == null ? raw : codec.createInputStream(raw);
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }
}
