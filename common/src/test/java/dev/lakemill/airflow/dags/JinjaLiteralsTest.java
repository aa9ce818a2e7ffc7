package dev.lakemill.airflow.dags;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Templates built by {@link JinjaLiterals}, rendered by Jinja2 as Airflow renders templated fields. */
class JinjaLiteralsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RENDER = String.join("\n",
      "import json, sys, jinja2, jinja2.sandbox",
      "env = jinja2.sandbox.SandboxedEnvironment(undefined=jinja2.StrictUndefined, extensions=['jinja2.ext.do'])",
      "ctx = {'run_id': 'RUN', 'params': {'a\\'b\\\\c\\n\u00e9': 'P'}}",
      "print(json.dumps([env.from_string(t).render(**ctx) for t in json.loads(sys.stdin.read())]))");

  private static final List<String> TEXTS = List.of("/opt/lakemill/churn.conf", "", "{{ conn.x.password }}",
      "{% for i in range(9) %}x{% endfor %}", "{# comment #}", "{%- raw %}{{ x }}{% endraw -%}", "{{{{", "{",
      "a\nb\r\nc\rd\n", "\n\n", "}} %} #}", "'\"\\ {{ '{' }} \\n", "\u2028\u0085 données 東京 😀", "{%",
      "{{ range(10**9)|list }}");

  @Test
  void textRendersAsItselfAloneAndNextToLakemillsOwnTags() throws Exception {
    List<String> templates = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (String text : TEXTS) {
      templates.add(JinjaLiterals.text(text));
      expected.add(text);
      templates.add(JinjaLiterals.text(text) + "{{ run_id }}" + JinjaLiterals.text(text));
      expected.add(text + "RUN" + text);
    }
    templates.add("{{ params[" + JinjaLiterals.string("a'b\\c\n\u00e9") + "] }}");
    expected.add("P");

    assertThat(render(templates)).isEqualTo(expected);
  }

  @Test
  void plainTextIsLeftAsItIs() {
    assertThat(JinjaLiterals.text("/srv/pipelines/churn-prep.conf")).isEqualTo("/srv/pipelines/churn-prep.conf");
    assertThat(JinjaLiterals.text("a{b}\n")).isEqualTo("a{{ '{' }}b}{{ '\\n' }}");
    assertThat(JinjaLiterals.string("run-date")).isEqualTo("'run-date'");
    assertThat(JinjaLiterals.string("it's \\")).isEqualTo("'it\\'s \\\\'");
  }

  @SuppressWarnings("unchecked")
  private static List<String> render(List<String> templates) throws IOException, InterruptedException {
    Process python = new ProcessBuilder("python3", "-c", RENDER).redirectErrorStream(true).start();
    try (OutputStream in = python.getOutputStream()) {
      in.write(JSON.writeValueAsString(templates).getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(python.waitFor()).as(out).isZero();
    return JSON.readValue(out, List.class);
  }
}
