package dev.lakemill.airflow.dags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PythonLiteralsTest {
  @Test
  void stringsEscapeQuotesBackslashesAndControlsAndKeepReadableText() {
    assertThat(PythonLiterals.string("churn-prep")).isEqualTo("\"churn-prep\"");
    assertThat(PythonLiterals.string("O'Brien \"ops\"")).isEqualTo("\"O'Brien \\\"ops\\\"\"");
    assertThat(PythonLiterals.string("C:\\data\\n")).isEqualTo("\"C:\\\\data\\\\n\"");
    assertThat(PythonLiterals.string("a\nb\tc\rd")).isEqualTo("\"a\\nb\\tc\\rd\"");
    assertThat(PythonLiterals.string("\u0000\u0001\u001b\u007f\u0085")).isEqualTo("\"\\x00\\x01\\x1b\\x7f\\x85\"");
    assertThat(PythonLiterals.string("données 東京 😀")).isEqualTo("\"données 東京 😀\"");
    assertThat(PythonLiterals.string("nbsp\u00a0zwsp\u200bls\u2028")).isEqualTo("\"nbsp\\xa0zwsp\\u200bls\\u2028\"");
    assertThat(PythonLiterals.string("lone \ud800")).isEqualTo("\"lone \\ud800\"");
    assertThat(PythonLiterals.string("private \udb80\udc00")).isEqualTo("\"private \\U000f0000\"");
  }

  @Test
  void valuesListsAndDicts() {
    Map<String, Object> dict = new LinkedHashMap<>();
    dict.put("owner", "data-eng");
    dict.put("retries", 1);
    dict.put("tags", List.of("a", "b"));
    dict.put("none", null);
    dict.put("paused", true);

    assertThat(PythonLiterals.of(dict))
        .isEqualTo("{\"owner\": \"data-eng\", \"retries\": 1, \"tags\": [\"a\", \"b\"], \"none\": None, \"paused\": True}");
    assertThat(PythonLiterals.of(List.of())).isEqualTo("[]");
    assertThat(PythonLiterals.of(7L)).isEqualTo("7");
    assertThatThrownBy(() -> PythonLiterals.of(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot write a java.lang.Double as a Python literal");
  }

  @Test
  void parseStringReadsBackWhatStringWrites() {
    for (String text : List.of("plain", "O'Brien \"ops\" \\ team", "a\nb\r\n\tc", "\u0000\u007f\u0085",
        "données 東京 😀", "\u2028\udb80\udc00", "")) {
      assertThat(PythonLiterals.parseString(PythonLiterals.string(text))).contains(text);
    }
    assertThat(PythonLiterals.parseString("\"a\"b\"")).isEmpty();
    assertThat(PythonLiterals.parseString("\"\\xZZ\"")).isEmpty();
    assertThat(PythonLiterals.parseString("plain")).isEmpty();
  }

  @Test
  void pythonReadsBackExactlyTheJavaStrings() throws IOException, InterruptedException {
    List<String> texts = List.of("plain", "O'Brien \"ops\" \\ team", "\\\"'''\"\"\"", "a\nb\r\n\tc", "\u0000\u0007\u007f",
        "données Ünïcödé 東京 😀", "\u00a0\u200b\u2028\u2029\u0085", "lone \ud800 and \udfff", "{{ run_id }} %Y-%m-%d",
        "\udb80\udc00", "");
    String literal = PythonLiterals.of(texts);

    Process python = new ProcessBuilder("python3", "-c",
        "import ast, json, sys; print(json.dumps(ast.literal_eval(sys.stdin.buffer.read().decode('utf-8'))))")
        .redirectErrorStream(true).start();
    try (OutputStream in = python.getOutputStream()) {
      in.write(literal.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(python.waitFor()).as(out).isZero();
    assertThat(new ObjectMapper().readValue(out, List.class)).isEqualTo(texts);
  }
}
