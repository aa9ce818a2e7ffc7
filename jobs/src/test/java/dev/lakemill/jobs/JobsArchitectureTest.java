package dev.lakemill.jobs;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CLI parses arguments, calls one entry point of {@code common} and renders: it never reads Delta
 * logs or Hadoop file systems itself (docs/ARCHITECTURE.md). The layer rules of {@code common} are in
 * its {@code ArchitectureTest}.
 */
class JobsArchitectureTest {
  private static final JavaClasses CLI = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.lakemill.jobs");

  @Test
  void cliNeverReadsDeltaLogsOrFileSystems() {
    noClasses().should().dependOnClassesThat()
        .resideInAnyPackage("io.delta..", "org.apache.hadoop..")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.lakemill.delta.DeltaLogFiles")
        .check(CLI);
  }

  @Test
  void cliNamesNoDeltaLogPaths() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      List<Path> sources = files.filter(p -> p.toString().endsWith(".java")).toList();
      assertThat(sources).isNotEmpty();
      for (Path source : sources) {
        assertThat(Files.readString(source)).as(source.toString()).doesNotContain("_delta_log");
      }
    }
  }
}
