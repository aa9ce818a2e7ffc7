package dev.lakemill;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The spec, config, compile, dags and drift packages never import Spark: validate, plan, dags generate
 * and the drift math stay session-free. Nor does the Airflow client, which runs where no Spark is installed.
 */
class ArchitectureTest {
  private static final Path MAIN = Path.of("src/main/java/dev/lakemill");

  @ParameterizedTest
  @ValueSource(strings = {"spec", "config", "compile", "dags", "airflow", "drift"})
  void packageDoesNotImportSparkOrDelta(String pkg) throws IOException {
    for (Path source : sources(pkg)) {
      assertThat(Files.readAllLines(source))
          .as(source.toString())
          .noneMatch(line -> line.matches(
              "import (static )?(org\\.apache\\.spark|io\\.delta|scala|dev\\.lakemill\\.(spark|ledger|registry|sqlcheck|mlcheck))\\..*"));
    }
  }

  @Test
  void specHoldsPlainRecordsOnly() throws IOException {
    for (Path source : sources("spec")) {
      assertThat(Files.readAllLines(source))
          .as(source.toString())
          .filteredOn(line -> line.startsWith("import "))
          .allMatch(line -> line.startsWith("import java.") || line.startsWith("import dev.lakemill.spec."));
    }
  }

  private static List<Path> sources(String pkg) throws IOException {
    try (Stream<Path> files = Files.walk(MAIN.resolve(pkg))) {
      List<Path> sources = files.filter(p -> p.toString().endsWith(".java")).toList();
      assertThat(sources).isNotEmpty();
      return sources;
    }
  }
}
