package dev.lakemill.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local reads through {@code java.nio} answer exactly as Hadoop's local file system does (what source stamps and
 * the step cache compare against earlier runs' records), and only local locations are read that way.
 */
class StorageTest {
  @TempDir static Path folder;
  private static final Configuration HADOOP = new Configuration();
  private static final Storage STORAGE = Storage.of(HADOOP);

  @BeforeAll
  static void files() throws IOException {
    FileSystem local = FileSystem.getLocal(HADOOP);
    // Written through Hadoop, so that its checksum files (.name.crc) lie beside them as in a real lakehouse.
    for (String name : new String[] {"a/part-0.csv", "a/b/part 1.csv", "a/_SUCCESS", "a/.hidden", "c.csv"}) {
      try (var out = local.create(new org.apache.hadoop.fs.Path(folder.resolve(name).toString()))) {
        out.write(("rows of " + name).getBytes(StandardCharsets.UTF_8));
      }
    }
    Files.setLastModifiedTime(folder.resolve("c.csv"), FileTime.fromMillis(1_700_000_000_123L));
    Files.createDirectories(folder.resolve("a/empty"));
    Files.createSymbolicLink(folder.resolve("a/link.csv"), folder.resolve("c.csv"));
  }

  private static String hadoopView(FileStatus s) {
    return s.getPath() + " " + (s.isDirectory() ? "dir" : s.getLen()) + " " + s.getModificationTime();
  }

  private static String view(Storage.Entry e) {
    return e.path() + " " + (e.directory() ? "dir" : e.length()) + " " + e.modified();
  }

  @Test
  void aLocalFolderListsAsHadoopListsIt() throws IOException {
    FileSystem local = FileSystem.getLocal(HADOOP);
    for (String location : new String[] {folder.resolve("a").toString(), "file:" + folder.resolve("a")}) {
      List<String> hadoop = new ArrayList<>();
      for (FileStatus s : local.listStatus(new org.apache.hadoop.fs.Path(location))) {
        hadoop.add(hadoopView(s));
      }
      hadoop.sort(Comparator.naturalOrder());

      assertThat(STORAGE.list(location)).extracting(StorageTest::view).containsExactlyElementsOf(hadoop);
      assertThat(STORAGE.list(location)).extracting(Storage.Entry::name)
          .contains("_SUCCESS", ".hidden", "b", "empty", "link.csv")
          .noneMatch(name -> name.endsWith(".crc"));
    }
  }

  @Test
  void everyFileUnderAFolderIsWhatHadoopListsRecursively() throws IOException {
    FileSystem local = FileSystem.getLocal(HADOOP);
    List<String> hadoop = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = local.listFiles(new org.apache.hadoop.fs.Path(folder.toString()), true);
    while (it.hasNext()) {
      hadoop.add(hadoopView(it.next()));
    }

    List<String> nio = STORAGE.filesUnder(folder.toString()).stream().map(StorageTest::view).toList();

    assertThat(nio).containsExactlyInAnyOrderElementsOf(hadoop);
    assertThat(nio).anyMatch(line -> line.startsWith("file:" + folder.resolve("a/b/part 1.csv") + " 22 "));
    assertThat(nio).contains("file:" + folder.resolve("c.csv") + " 13 1700000000123");
    assertThat(STORAGE.filesUnder(folder.resolve("c.csv").toString())).extracting(StorageTest::view)
        .containsExactly("file:" + folder.resolve("c.csv") + " 13 1700000000123");
  }

  @Test
  void aFileStatusIsHadoopsAndNothingIsEmpty() throws IOException {
    FileSystem local = FileSystem.getLocal(HADOOP);
    String file = folder.resolve("a/part-0.csv").toString();

    assertThat(STORAGE.status(file)).map(StorageTest::view)
        .contains(hadoopView(local.getFileStatus(new org.apache.hadoop.fs.Path(file))));
    assertThat(STORAGE.status(folder.resolve("nothing").toString())).isEmpty();
    assertThat(STORAGE.exists(folder.resolve("a/empty").toString())).isTrue();
    try (InputStream in = STORAGE.open("file://" + file)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("rows of a/part-0.csv");
    }
  }

  @Test
  void aMissingFolderOrFileIsFileNotFound() {
    assertThatThrownBy(() -> STORAGE.list(folder.resolve("nothing").toString()))
        .isInstanceOf(FileNotFoundException.class).hasMessageContaining("nothing");
    assertThatThrownBy(() -> STORAGE.filesUnder(folder.resolve("nothing").toString()))
        .isInstanceOf(FileNotFoundException.class);
    assertThatThrownBy(() -> STORAGE.open(folder.resolve("nothing").toString()))
        .isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void aPathWithoutSchemeIsLocalOnlyWhenTheDefaultFileSystemIs() {
    Configuration cluster = new Configuration(false);
    cluster.set("fs.defaultFS", "hdfs://namenode:8020");

    assertThat(STORAGE.isLocal("/lake/_lakemill/runs")).isTrue();
    assertThat(STORAGE.isLocal("file:/lake/_lakemill/runs")).isTrue();
    assertThat(STORAGE.isLocal("hdfs://namenode:8020/lake")).isFalse();
    assertThat(STORAGE.isLocal("s3a://bucket/lake")).isFalse();
    assertThat(Storage.of(cluster).isLocal("/lake/_lakemill/runs")).isFalse();
    assertThat(Storage.of(cluster).isLocal("file:///lake/_lakemill/runs")).isTrue();
  }
}
