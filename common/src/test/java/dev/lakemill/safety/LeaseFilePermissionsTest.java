package dev.lakemill.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A lease file holds the run's params: readable by its owner only, when created and when rewritten. No Spark. */
class LeaseFilePermissionsTest {
  @TempDir java.nio.file.Path dir;

  @Test
  void leaseFilesAreOwnerOnly() throws Exception {
    java.nio.file.Path lease = dir.resolve("p.lease");
    try (LeaseFiles files = new LeaseFiles(new Path(dir.toString()), new Configuration())) {
      assertThat(files.createNew(new Path(lease.toString()), "{}".getBytes(StandardCharsets.UTF_8))).isTrue();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lease))).isEqualTo("rw-------");

      files.rewrite(new Path(lease.toString()), "{\"token\": \"t\"}".getBytes(StandardCharsets.UTF_8));

      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lease))).isEqualTo("rw-------");
      assertThat(Files.readString(lease)).isEqualTo("{\"token\": \"t\"}");
    }
  }
}
