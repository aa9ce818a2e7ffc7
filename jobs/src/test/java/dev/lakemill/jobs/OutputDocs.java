package dev.lakemill.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON examples of docs/OUTPUT.md ({@code <!-- output: NAME -->} before a json block), and a check
 * that what a command printed has their shape: the same keys in the same order, recursively (arrays:
 * element i against the example's element i, or its last), and the same JSON types, null matching
 * anything; objects keyed by data ({@code params}, {@code aliases}, {@code metrics}) only need to be
 * objects.
 * Costs a file read; no Spark.
 */
final class OutputDocs {
  static final Path DOC = Path.of("../docs/OUTPUT.md");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** Objects whose keys are data (param names, aliases, metric names): only their type is checked. */
  private static final java.util.Set<String> DATA_KEYED = java.util.Set.of("params", "aliases", "metrics");

  private OutputDocs() {}

  static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("Not JSON: " + json, e);
    }
  }

  /** The example named {@code name}. */
  static JsonNode example(String name) {
    try {
      String doc = Files.readString(DOC);
      String marker = "<!-- output: " + name + " -->";
      int at = doc.indexOf(marker);
      assertThat(at).as("docs/OUTPUT.md has " + marker).isNotNegative();
      int start = doc.indexOf("```json\n", at) + "```json\n".length();
      return parse(doc.substring(start, doc.indexOf("```", start)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asserts that {@code printed} (stdout of a command) is one JSON document shaped like example {@code name}. */
  static JsonNode assertShapedLike(String name, String printed) {
    JsonNode actual = parse(printed);
    assertSameShape(example(name), actual, name);
    return actual;
  }

  static void assertSameShape(JsonNode documented, JsonNode actual, String path) {
    if (documented.isNull() || actual.isNull()) {
      return;
    }
    assertThat(actual.getNodeType()).as(path + " type").isEqualTo(documented.getNodeType());
    if (documented.isObject() && DATA_KEYED.contains(path.substring(path.lastIndexOf('.') + 1))) {
      return;
    }
    if (documented.isObject()) {
      assertThat(names(actual)).as(path + " keys").containsExactlyElementsOf(names(documented));
      documented.fieldNames().forEachRemaining(k -> assertSameShape(documented.get(k), actual.get(k), path + "." + k));
    } else if (documented.isArray() && !documented.isEmpty()) {
      for (int i = 0; i < actual.size(); i++) {
        assertSameShape(documented.get(Math.min(i, documented.size() - 1)), actual.get(i), path + "[" + i + "]");
      }
    }
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
