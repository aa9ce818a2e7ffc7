package dev.lakemill.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a file source's stamp lists: every visible data file under the source's location, and only those. */
class SourceStampsTest {
  @TempDir Path folder;

  @Test
  void aSourceUnderAFolderNamedLikeAMarkerStillListsItsFiles() throws IOException {
    Path source = Files.createDirectories(folder.resolve("_incoming/.staging/plans"));
    Files.writeString(source.resolve("part-0.csv"), "id\n1\n");
    Files.createDirectories(source.resolve("_temporary"));
    Files.writeString(source.resolve("_temporary/part-1.csv"), "id\n2\n");
    Files.writeString(source.resolve("_SUCCESS"), "");
    Files.writeString(source.resolve(".part-0.csv.swp"), "");

    assertThat(SourceStamps.files(new Configuration(), source.toString()))
        .singleElement().asString().startsWith("file:" + source.resolve("part-0.csv") + " 5 ");
    assertThat(SourceStamps.files(new Configuration(), source.resolve("part-0.csv").toString()))
        .singleElement().asString().startsWith("file:" + source.resolve("part-0.csv") + " 5 ");
    assertThat(SourceStamps.files(new Configuration(), "file:" + source)).hasSize(1);
  }

  @Test
  void aMissingSourceHasNoFiles() {
    assertThat(SourceStamps.files(new Configuration(), folder.resolve("nothing").toString())).isEmpty();
  }
}
