package dev.lakemill.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakemill.error.LakemillException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The copies of metadata tables' rows kept beside each table ({@link RowsCache}): a later reader answers from
 * them without reading Parquet, only at the version they are of, only while the files they were read from are
 * as they were, and an append through Kernel carries them forward with exactly the rows a fresh read gives.
 * Tables are written through Kernel: no SparkSession.
 */
class RowsCacheTest {
  private static final String SCHEMA = """
      {"type":"struct","fields":[
        {"name":"pipeline","type":"string","nullable":true,"metadata":{}},
        {"name":"n","type":"long","nullable":true,"metadata":{}},
        {"name":"position","type":"integer","nullable":true,"metadata":{}},
        {"name":"score","type":"double","nullable":true,"metadata":{}},
        {"name":"ok","type":"boolean","nullable":true,"metadata":{}},
        {"name":"at","type":"timestamp","nullable":true,"metadata":{}},
        {"name":"inputs","type":{"type":"array","elementType":{"type":"struct","fields":[
          {"name":"name","type":"string","nullable":true,"metadata":{}},
          {"name":"version","type":"long","nullable":true,"metadata":{}}]},"containsNull":true},
         "nullable":true,"metadata":{}},
        {"name":"parts","type":{"type":"map","keyType":"string","valueType":"string","valueContainsNull":true},
         "nullable":true,"metadata":{}}]}
      """;
  private static final List<String> COLUMNS = List.of("pipeline", "n", "position", "score", "ok", "at", "inputs",
      "parts");
  private static final KernelTables.Equals OF_A = new KernelTables.Equals("pipeline", "a");
  private static final DeltaIO.Damaged DAMAGED = (latest, cause) -> TableErrors.damaged("table", "t", latest, cause);

  @TempDir Path folder;
  private String table;

  @BeforeEach
  void table() {
    table = folder.resolve("ledger/steps").toString();
    reader().prepareCreate(table, SCHEMA, List.of(row("a", 1), row("b", 2)), DAMAGED).commit();
  }

  /** A reader as a new process has one: nothing in memory. */
  private static KernelTables reader() {
    return KernelTables.of(new Configuration());
  }

  private static Map<String, Object> row(String pipeline, long n) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("name", "events");
    input.put("version", n * 10);
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("pipeline", pipeline);
    row.put("n", n);
    row.put("position", (int) n);
    row.put("score", n / 3.0);
    row.put("ok", n % 2 == 0);
    Timestamp at = new Timestamp(1_765_000_000_000L + n);
    at.setNanos(at.getNanos() + 123_000); // microseconds, as Delta keeps them
    row.put("at", at);
    row.put("inputs", List.of(input));
    row.put("parts", Map.of("sql", "h" + n));
    if (n == 3) {
      row.put("score", null);
      row.put("inputs", List.of());
    }
    return row;
  }

  private Path copies() {
    return Path.of(table, RowsCache.FOLDER);
  }

  private List<Path> copyFiles() throws IOException {
    try (Stream<Path> files = Files.list(copies())) {
      return files.sorted().toList();
    }
  }

  private List<Path> dataFiles() throws IOException {
    try (Stream<Path> files = Files.list(Path.of(table))) {
      return files.filter(p -> p.toString().endsWith(".parquet")).toList();
    }
  }

  private List<Map<String, Object>> rows(KernelTables reader) {
    return reader.rows(table, COLUMNS, DAMAGED).orElseThrow().rows();
  }

  @Test
  void aLaterReaderAnswersFromTheCopyWithoutReadingParquet() throws IOException {
    List<Map<String, Object>> first = rows(reader());
    assertThat(first).extracting(r -> r.get("pipeline")).containsExactlyInAnyOrder("a", "b");
    assertThat(copyFiles()).hasSize(1);

    // The data file's bytes replaced, its size and time kept: only a reader that does not open it still answers.
    Path data = dataFiles().get(0);
    FileTime time = Files.getLastModifiedTime(data);
    Files.write(data, new byte[(int) Files.size(data)]);
    Files.setLastModifiedTime(data, time);
    assertThat(rows(reader())).isEqualTo(first);

    // Its time changed too: the copy no longer proves anything, and Kernel reads (and reports) the damaged file.
    Files.setLastModifiedTime(data, FileTime.fromMillis(time.toMillis() + 2000));
    assertThatThrownBy(() -> rows(reader())).isInstanceOf(LakemillException.class);
  }

  @Test
  void aMissingDataFileIsReportedEvenWithACopy() throws IOException {
    rows(reader());
    for (Path data : dataFiles()) {
      Files.delete(data);
    }
    assertThatThrownBy(() -> rows(reader())).isInstanceOf(LakemillException.class);
  }

  @Test
  void anAppendThroughKernelCarriesEveryCopyForwardWithTheRowsAFreshReadGives() throws IOException {
    KernelTables writer = reader();
    rows(writer);
    writer.rows(table, COLUMNS, OF_A, DAMAGED);
    assertThat(copyFiles()).hasSize(2);

    long version = writer.prepareAppend(table, List.of(row("a", 3), row("c", 4)), DAMAGED).orElseThrow().commit();
    assertThat(version).isEqualTo(1);
    List<RowsCache.Copy> carried = new ArrayList<>();
    for (Path file : copyFiles()) {
      carried.add(RowsCache.decode(Files.readAllBytes(file)));
    }
    assertThat(carried).allSatisfy(c -> assertThat(c.stamp().version()).isEqualTo(1));

    // What Kernel reads of version 1, with no copy to answer from.
    deleteCopies();
    List<Map<String, Object>> all = rows(reader());
    List<Map<String, Object>> ofA = reader().rows(table, COLUMNS, OF_A, DAMAGED).orElseThrow().rows();
    assertThat(all).hasSize(4);
    assertThat(ofA).extracting(r -> r.get("n")).containsExactlyInAnyOrder(1L, 3L);
    RowsCache.Copy unfiltered = carried.stream().filter(c -> c.where() == null).findFirst().orElseThrow();
    RowsCache.Copy filtered = carried.stream().filter(c -> c.where() != null).findFirst().orElseThrow();
    assertThat(unfiltered.rows()).containsExactlyInAnyOrderElementsOf(all);
    assertThat(filtered.rows()).containsExactlyInAnyOrderElementsOf(ofA);
  }

  @Test
  void aCopyOfAnotherVersionIsNotUsed() throws IOException {
    rows(reader());
    Path copy = copyFiles().get(0);
    byte[] ofVersion0 = Files.readAllBytes(copy);
    reader().prepareAppend(table, List.of(row("c", 4)), DAMAGED).orElseThrow().commit();
    Files.write(copy, ofVersion0); // as if another writer had committed version 1 without carrying it forward

    assertThat(rows(reader())).extracting(r -> r.get("pipeline")).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(RowsCache.decode(Files.readAllBytes(copy)).stamp().version()).isEqualTo(1);
  }

  @Test
  void aTableWrittenAgainAtTheSameVersionIsReadAgain() throws IOException {
    rows(reader());
    try (Stream<Path> files = Files.list(Path.of(table))) {
      for (Path p : files.filter(p -> !p.getFileName().toString().equals(RowsCache.FOLDER)).toList()) {
        deleteTree(p);
      }
    }
    reader().prepareCreate(table, SCHEMA, List.of(row("z", 9)), DAMAGED).commit();

    assertThat(rows(reader())).extracting(r -> r.get("pipeline")).containsExactly("z");
  }

  @Test
  void aTornOrForeignCopyIsIgnoredAndReplaced() throws IOException {
    List<Map<String, Object>> first = rows(reader());
    Path copy = copyFiles().get(0);
    byte[] whole = Files.readAllBytes(copy);

    Files.write(copy, java.util.Arrays.copyOf(whole, whole.length / 2));
    assertThat(rows(reader())).isEqualTo(first);
    assertThat(Files.readAllBytes(copy)).isEqualTo(whole);

    // A whole copy of another read (the filtered one) under this read's name.
    reader().rows(table, COLUMNS, OF_A, DAMAGED);
    Path other = copyFiles().stream().filter(p -> !p.equals(copy)).findFirst().orElseThrow();
    Files.copy(other, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThat(rows(reader())).isEqualTo(first);
  }

  @Test
  void thatATableIsThereIsCopiedToAndCarriedForwardWithoutRows() throws IOException {
    assertThat(reader().present(folder.resolve("none").toString(), DAMAGED)).isFalse();
    KernelTables writer = reader();
    assertThat(writer.present(table, DAMAGED)).isTrue();
    assertThat(copyFiles()).singleElement().satisfies(f -> {
      RowsCache.Copy copy = RowsCache.decode(Files.readAllBytes(f));
      assertThat(copy.columns()).isEmpty();
      assertThat(copy.stamp().version()).isZero();
    });

    writer.prepareAppend(table, List.of(row("c", 4)), DAMAGED).orElseThrow().commit();
    RowsCache.Copy carried = RowsCache.decode(Files.readAllBytes(copyFiles().get(0)));
    assertThat(carried.stamp().version()).isEqualTo(1);
    assertThat(carried.rows()).isEmpty();
    assertThat(reader().present(table, DAMAGED)).isTrue();

    // A table whose log is gone is damaged, copy or not: its data files remain without a log.
    deleteTree(Path.of(table, "_delta_log"));
    assertThatThrownBy(() -> reader().present(table, DAMAGED)).isInstanceOf(LakemillException.class)
        .hasMessageContaining("_delta_log");
  }

  @Test
  void countsBeyondTheFileAreRejectedBeforeAnythingIsAllocated() throws IOException {
    rows(reader());
    byte[] bytes = Files.readAllBytes(copyFiles().get(0));
    // The column count, right after the magic number and the format: claims two billion columns.
    java.nio.ByteBuffer.wrap(bytes).putInt(12, Integer.MAX_VALUE);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(bytes, 0, bytes.length - 8);
    java.nio.ByteBuffer.wrap(bytes).putLong(bytes.length - 8, crc.getValue());

    assertThat(RowsCache.decode(bytes)).isNull();
    assertThat(RowsCache.decode(new byte[0])).isNull();
  }

  private void deleteCopies() throws IOException {
    deleteTree(copies());
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
