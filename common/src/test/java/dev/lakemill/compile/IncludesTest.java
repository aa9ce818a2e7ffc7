package dev.lakemill.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lakemill.airflow.dags.DagGenerator;
import dev.lakemill.check.Checks;
import dev.lakemill.error.LakemillException;
import dev.lakemill.error.PipelineConfigException;
import dev.lakemill.load.PipelineConfigLoader;
import dev.lakemill.spec.PipelineSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Includes: only files in the pipeline file's folder, part of its fingerprint; nothing fetched. No Spark. */
class IncludesTest {
  @TempDir Path dir;

  private static final String STEPS = """
      steps {
        adults { type = sql, sql = "SELECT * FROM customers WHERE age >= 18", output = silver.adults }
      }
      """;

  @Test
  void aUrlIncludeIsRefusedWithoutAnyFetch() throws IOException {
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress("127.0.0.1", 0));
      server.configureBlocking(false);
      int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
      Path file = write("remote.conf", "pipeline { name = remote }\n"
          + "include url(\"http://127.0.0.1:" + port + "/sources.conf\")\n" + STEPS);

      PipelineConfigException e = invalid(file);

      assertThat(e.getMessage()).isEqualTo(file + ": 2: include: Cannot include url('http://127.0.0.1:" + port
          + "/sources.conf'): a pipeline file includes only files in its own folder, so that validate and dags"
          + " generate fetch nothing and the fingerprint covers every byte; copy the file next to the pipeline file"
          + " and write include \"<relative path>\"");
      assertThat(e.kind()).isEqualTo(LakemillException.Kind.INVALID_INPUT);
      assertThat(server.accept()).as("a connection to the include's URL").isNull();
    }
  }

  @Test
  void aUrlWrittenAsAPlainIncludeAndAClasspathIncludeAreRefused() throws IOException {
    Path file = write("both.conf", """
        pipeline { name = both }
        include "https://example.invalid/x.conf"
        include classpath("reference.conf")
        """ + STEPS);

    assertThat(invalid(file).getMessage().lines()).containsExactly(
        file + ": 2: include: Cannot include url('https://example.invalid/x.conf'): a pipeline file includes only"
            + " files in its own folder, so that validate and dags generate fetch nothing and the fingerprint covers"
            + " every byte; copy the file next to the pipeline file and write include \"<relative path>\"",
        file + ": 3: include: Cannot include classpath('reference.conf'): a pipeline file includes only files in its"
            + " own folder, so that validate and dags generate fetch nothing and the fingerprint covers every byte;"
            + " copy the file next to the pipeline file and write include \"<relative path>\"");
  }

  @Test
  void pathsOutsideTheFolderAndMissingFilesAreRefused() throws IOException {
    Files.writeString(dir.resolve("shared.conf"), "params { x = 1 }\n");
    Path file = write("sub/outside.conf", """
        pipeline { name = outside }
        include "../shared.conf"
        include file("/etc/hostname")
        include "missing.conf"
        """ + STEPS);
    String folder = file.toAbsolutePath().getParent().toString();

    assertThat(invalid(file).getMessage().lines()).containsExactly(
        file + ": 2: include: Cannot include \"../shared.conf\": it is outside the pipeline file's folder " + folder
            + "; move the file into that folder (or below it) and include it by its relative path",
        file + ": 3: include: Cannot include file(\"/etc/hostname\"): it is outside the pipeline file's folder "
            + folder + "; move the file into that folder (or below it) and include it by its relative path",
        file + ": 4: include: Included file \"missing.conf\" does not exist (" + folder + "/missing.conf); create it"
            + " or remove the include (includes are resolved against the including file's folder)");
  }

  @Test
  void aRelativeIncludeIsReadAndPartOfTheFingerprint() throws IOException {
    Path sources = write("common/sources.conf", """
        sources {
          customers { format = generate, generator = churn-customers, rows = 10, seed = 1 }
        }
        """);
    Path file = write("main.conf", "pipeline { name = main }\ninclude \"common/sources.conf\"\n" + STEPS);

    PipelineSpec spec = Checks.compiler().validate(file, Map.of());
    assertThat(spec.sources()).extracting(s -> s.name()).containsExactly("customers");
    assertThat(PipelineConfigLoader.includes(file)).containsExactly(sources.toAbsolutePath().normalize());
    String before = DagGenerator.fingerprint(PipelineConfigLoader.contents(file));

    Files.writeString(sources, Files.readString(sources).replace("seed = 1", "seed = 2"));

    assertThat(DagGenerator.fingerprint(PipelineConfigLoader.contents(file))).isNotEqualTo(before);
    assertThat(DagGenerator.fingerprint(PipelineConfigLoader.contents(file)))
        .isNotEqualTo(DagGenerator.fingerprint(Files.readAllBytes(file)));
  }

  @Test
  void withoutIncludesTheFingerprintIsTheFilesOwn() throws IOException {
    Path file = write("plain.conf", "pipeline { name = plain }\n"
        + "sources { customers { format = generate, generator = churn-customers, rows = 10 } }\n" + STEPS);

    assertThat(PipelineConfigLoader.contents(file)).isEqualTo(Files.readAllBytes(file));
  }

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return file;
  }

  private static PipelineConfigException invalid(Path file) {
    PipelineConfigException e = catchThrowableOfType(PipelineConfigException.class,
        () -> Checks.compiler().validate(file, Map.of()));
    assertThat(e).as("%s must be invalid", file).isNotNull();
    return e;
  }
}
