package dev.lakemill.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lakemill.check.Checks;
import dev.lakemill.error.PipelineConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file under {@code invalid/} marks each line that must carry a problem with
 * {@code # expect-error: <substring>} (or {@code -- expect-error:} inside SQL). The file must yield
 * exactly those problems, in one pass.
 */
class InvalidPipelinesTest {
  private static final Path FOLDER = Path.of("src/test/resources/invalid");

  record Marker(int line, String expected) {}

  static Stream<Path> files() throws IOException {
    try (Stream<Path> list = Files.list(FOLDER)) {
      return list.filter(p -> p.toString().endsWith(".conf")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void reportsEveryMarkedProblemAtItsLine(Path file) throws IOException {
    List<Marker> markers = markers(file);
    assertThat(markers).as("fixture must mark at least one problem").isNotEmpty();

    PipelineConfigException e = catchThrowableOfType(PipelineConfigException.class,
        () -> Checks.compiler().validate(file, Map.of()));

    assertThat(e).as("expected %s to be invalid", file).isNotNull();
    for (Marker m : markers) {
      assertThat(e.problems())
          .as("problem at line %d containing \"%s\"; all problems:%n%s", m.line(), m.expected(), e.getMessage())
          .anySatisfy(p -> {
            assertThat(p.at().file()).isEqualTo(file.toString());
            assertThat(p.at().line()).isEqualTo(m.line());
            assertThat(p.toString()).contains(m.expected());
          });
    }
    assertThat(e.problems()).as("no unmarked problems:%n%s", e.getMessage()).hasSameSizeAs(markers);
    assertThat(e.getMessage().lines()).allSatisfy(line -> assertThat(line).startsWith(file + ": "));
  }

  private static List<Marker> markers(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    List<Marker> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      int at = lines.get(i).indexOf("expect-error:");
      if (at >= 0 && !lines.get(i).stripLeading().startsWith("#")) {
        out.add(new Marker(i + 1, lines.get(i).substring(at + "expect-error:".length()).trim()));
      }
    }
    return out;
  }
}
