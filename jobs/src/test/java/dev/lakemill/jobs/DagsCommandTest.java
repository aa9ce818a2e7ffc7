package dev.lakemill.jobs;

import static dev.lakemill.jobs.CliTest.lakemill;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakemill.check.Checks;
import dev.lakemill.plan.FeaturesStepPlan;
import dev.lakemill.plan.SqlStepPlan;
import dev.lakemill.plan.StepPlan;
import dev.lakemill.plan.ValidateStepPlan;
import dev.lakemill.settings.EnvironmentLoader;
import dev.lakemill.spec.PipelineInfo;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code lakemill dags generate}: the DAG files compile, and imported against a stub of Airflow
 * (src/test/resources/airflow-stub) they build one task per planned step, wired as the plan says.
 */
class DagsCommandTest {
  private static final String DEFS = "../pipeline-defs";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> DELTA_CONF = Map.of(
      "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension",
      "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"2", "3"})
  void generatesOneDagPerPipelineThatBuildsThePlannedTasks(String airflow) throws Exception {
    Path out = dir.resolve("dags");
    List<Path> pipelines = shippedPipelines();

    CliTest.Outcome r = lakemill("dags", "generate", DEFS, "--out", out.toString(), "--airflow", airflow,
        "--conf", CliTest.CONF);

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo(pipelines.stream().map(p -> out.resolve(dagId(p) + ".py") + ": dag " + dagId(p)
        + " from " + p + " (written)\n").collect(Collectors.joining()));
    List<Path> files = pipelines.stream().map(p -> out.resolve(dagId(p) + ".py")).toList();
    try (Stream<Path> written = Files.list(out)) {
      assertThat(written.sorted().toList()).isEqualTo(files.stream().sorted().toList());
    }
    List<String> compile = new ArrayList<>(List.of("-m", "py_compile"));
    files.forEach(f -> compile.add(f.toString()));
    assertThat(python(compile)).isEmpty();
    Map<String, Object> built = inspect(files);
    for (Path pipeline : pipelines) {
      assertThat(built.get(out.resolve(dagId(pipeline) + ".py").toString()))
          .as(pipeline.toString()).isEqualTo(List.of(expectedDag(pipeline, airflow)));
    }
  }

  @Test
  void generatingAgainGivesTheSameBytes() throws IOException {
    Path first = dir.resolve("first");
    Path second = dir.resolve("second");

    CliTest.Outcome a = lakemill("dags", "generate", DEFS, "--out", first.toString(), "--conf", CliTest.CONF);
    CliTest.Outcome again = lakemill("dags", "generate", DEFS, "--out", first.toString(), "--conf", CliTest.CONF);
    CliTest.Outcome b = lakemill("dags", "generate", DEFS, "--out", second.toString(), "--conf", CliTest.CONF);

    assertThat(List.of(a.exit(), again.exit(), b.exit())).containsOnly(Lakemill.OK);
    assertThat(again.out()).isEqualTo(a.out().replace("(written)", "(unchanged)"));
    for (Path pipeline : shippedPipelines()) {
      String name = dagId(pipeline) + ".py";
      assertThat(Files.readAllBytes(second.resolve(name))).as(name).isEqualTo(Files.readAllBytes(first.resolve(name)));
    }
  }

  @Test
  void airflow2And3FilesDifferInTheDagImportAndTheRunDate() throws IOException {
    Path two = dir.resolve("two");
    Path three = dir.resolve("three");
    lakemill("dags", "generate", DEFS + "/churn-prep.conf", "--out", two.toString(), "--airflow", "2", "--conf", CliTest.CONF);
    lakemill("dags", "generate", DEFS + "/churn-prep.conf", "--out", three.toString(), "--conf", CliTest.CONF);

    List<String> v2 = Files.readAllLines(two.resolve("churn-prep.py"));
    List<String> v3 = Files.readAllLines(three.resolve("churn-prep.py"));

    assertThat(v2).hasSameSizeAs(v3).contains("from airflow import DAG").doesNotContain("from airflow.sdk import DAG");
    assertThat(v3).contains("from airflow.sdk import DAG").doesNotContain("from airflow import DAG");
    List<String> differing = new ArrayList<>();
    for (int i = 0; i < v2.size(); i++) {
      if (!v2.get(i).equals(v3.get(i))) {
        differing.add(v2.get(i).strip() + " | " + v3.get(i).strip());
      }
    }
    assertThat(differing).hasSize(7);
    assertThat(differing.get(0)).isEqualTo("# Regenerate: lakemill dags generate " + DEFS
        + "/churn-prep.conf --out DIR --airflow 2 | # Regenerate: lakemill dags generate " + DEFS
        + "/churn-prep.conf --out DIR --airflow 3");
    assertThat(differing.get(1)).isEqualTo("from airflow import DAG | from airflow.sdk import DAG");
    assertThat(differing.get(2)).isEqualTo("from airflow.models.param import Param | from airflow.sdk import Param");
    assertThat(differing.get(3)).isEqualTo("from airflow.datasets import Dataset | from airflow.sdk import Asset");
    assertThat(differing.get(4)).isEqualTo("\"prepare\": [Dataset(\"lakemill://cluster/table/silver.customers\")],"
        + " | \"prepare\": [Asset(\"lakemill://cluster/table/silver.customers\")],");
    assertThat(differing.get(6)).contains("\"run-date={{ params['run-date'] or ds }}\"",
        "\"run-date={{ params['run-date'] or (dag_run.logical_date or dag_run.run_after).strftime('%Y-%m-%d') }}\"");
  }

  @Test
  void anInvalidPipelineMeansNoDagFileIsWritten() throws IOException {
    Path defs = Files.createDirectories(dir.resolve("defs"));
    Files.copy(Path.of(DEFS, "churn-prep.conf"), defs.resolve("churn-prep.conf"));
    Path bad = defs.resolve("report.conf");
    Files.writeString(bad, """
        pipeline { name = report }
        sources { plans { format = csv, path = plans.csv } }
        steps { report { type = sql, sql = "SELECT * FROM plan" } }
        """);
    Path out = Files.createDirectories(dir.resolve("dags"));
    Files.writeString(out.resolve("churn-prep.py"), "# deployed earlier\n");

    CliTest.Outcome r = lakemill("dags", "generate", defs.toString(), "--out", out.toString(), "--conf", CliTest.CONF);

    assertThat(r.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo(bad + ": 3: steps.report.sql: Unknown table or step 'plan'; did you mean 'plans'?\n"
        + "No DAG file written: fix the problems above (2 pipeline files)\n");
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.toList()).containsExactly(out.resolve("churn-prep.py"));
    }
    assertThat(out.resolve("churn-prep.py")).hasContent("# deployed earlier");
  }

  @Test
  void settingsComeFromTheEnvironmentConfAndValuesSurviveQuotingAsPython() throws Exception {
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(conf.resolve("application.conf"), """
        lakemill {
          lakehouse-root = ./lakehouse
          dags {
            application-jar = "hdfs:///apps/lakemill/lakemill-jobs.jar"
            pipelines-dir = "/srv/pipelines/"
            env = prod
            conn-id = spark_yarn
            retries = 3
            retry-delay-minutes = 10
            spark-conf {
              spark.executor.memory = 4g
              spark.sql.extensions = "io.delta.sql.DeltaSparkSessionExtension,com.example.Ext"
            }
            jars = ["/opt/jars/picocli.jar", "/opt/jars/config.jar"]
            packages = ["io.delta:delta-spark_2.13:4.2.0"]
            env-vars { LAKEMILL_CONF = /srv/conf }
          }
        }
        """);
    Files.writeString(conf.resolve("prod.conf"), "lakemill {}\n");
    Path file = dir.resolve("odd.conf");
    Files.writeString(file, """
        pipeline {
          name = odd
          description = "Köln \\"quoted\\" \\\\ back\\nslash"
          owner = "O'Brien \\"ops\\" \\\\ team"
          tags = [zeta, "données", "a\\"b", alpha]
        }
        sources { s { format = generate, generator = churn-customers, rows = 10 } }
        steps {
          base { type = sql, sql = "SELECT customer_id FROM s", output = silver.odd_base }
          left-side { type = sql, sql = "SELECT * FROM base" }
          right-side { type = sql, sql = "SELECT * FROM base", output = silver.odd_right }
          joined {
            type = sql
            sql = "SELECT l.customer_id FROM `left-side` l JOIN `right-side` r ON l.customer_id = r.customer_id"
            output = gold.odd
          }
        }
        """);
    Path out = dir.resolve("dags");

    CliTest.Outcome r = lakemill("dags", "generate", file.toString(), "--out", out.toString(), "--airflow", "2",
        "--conf", conf.toString(), "--env", "prod");

    assertThat(r.exit()).as(r.err()).isZero();
    Map<String, Object> dag = onlyDag(inspect(List.of(out.resolve("odd.py"))));
    assertThat(dag).containsEntry("schedule", null)
        .containsEntry("description", "Köln \"quoted\" \\ back\nslash")
        .containsEntry("tags", List.of("a\"b", "alpha", "données", "zeta"))
        .containsEntry("default_args", Map.of("owner", "O'Brien \"ops\" \\ team", "retries", 3, "retry_delay", 600.0))
        .containsEntry("edges", List.of(List.of("base", "joined"), List.of("base", "right-side"),
            List.of("right-side", "joined")));
    Map<String, String> sparkConf = Map.of(
        "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension,com.example.Ext",
        "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog",
        "spark.executor.memory", "4g");
    List<Object> tasks = new ArrayList<>();
    // left-side is a view that joined reads: joined's task computes it, so it has no task of its own.
    for (String step : List.of("base", "right-side", "joined")) {
      Map<String, Object> task = new LinkedHashMap<>();
      task.put("task_id", step);
      task.put("name", "lakemill-odd-" + step);
      task.put("application", "hdfs:///apps/lakemill/lakemill-jobs.jar");
      task.put("java_class", Lakemill.class.getName());
      task.put("application_args", List.of("run", "/srv/pipelines/odd.conf", "--steps", step, "--run-id",
          "{{ run_id }}", "--env", "prod"));
      task.put("conf", sparkConf);
      task.put("conn_id", "spark_yarn");
      task.put("jars", "/opt/jars/picocli.jar,/opt/jars/config.jar");
      task.put("packages", "io.delta:delta-spark_2.13:4.2.0");
      task.put("env_vars", Map.of("LAKEMILL_CONF", "/srv/conf"));
      Map<String, String> tables = Map.of("base", "silver.odd_base", "right-side", "silver.odd_right", "joined", "gold.odd");
      task.put("outlets", tables.containsKey(step)
          ? List.of(asset("airflow.datasets.Dataset", "lakemill://prod/table/" + tables.get(step))) : List.of());
      tasks.add(task);
    }
    assertThat(dag.get("tasks")).isEqualTo(tasks);
  }

  @Test
  void shippedDeploymentsShipTheFileItsIncludesAndTheConfAndSharedOnesNameUris() throws Exception {
    Path conf = Files.createDirectories(dir.resolve("conf"));
    String settings = """
        lakemill {
          lakehouse-root = ./lakehouse
          dags {
            application-jar = "hdfs:///apps/lakemill/lakemill-jobs.jar"
            pipelines-dir = "%s"
            conf-dir = "%s"
            deploy = %s
            env = prod
          }
        }
        """;
    Files.writeString(conf.resolve("application.conf"), settings.formatted("/srv/pipelines", "/srv/conf", "ship"));
    Files.writeString(conf.resolve("prod.conf"), "lakemill {}\n");
    Path defs = Files.createDirectories(dir.resolve("defs"));
    Files.writeString(defs.resolve("sources.conf"), "sources { s { format = generate, generator = churn-customers, rows = 10 } }\n");
    Path file = Files.writeString(defs.resolve("shipped.conf"), """
        pipeline { name = shipped }
        include "sources.conf"
        steps {
          adults { type = sql, sql = "SELECT customer_id FROM s" }
          checked { type = sql, sql = "SELECT customer_id FROM s" }
          kept { type = sql, sql = "SELECT * FROM adults", output = silver.kept }
        }
        """);
    Path out = dir.resolve("dags");

    CliTest.Outcome shipped = lakemill("dags", "generate", file.toString(), "--out", out.toString(), "--airflow", "3",
        "--conf", conf.toString(), "--env", "prod");

    assertThat(shipped.exit()).as(shipped.err()).isZero();
    Map<String, Object> dag = onlyDag(inspect(List.of(out.resolve("shipped.py"))));
    // adults is a view that kept reads: folded into kept's task. checked is a view nothing reads: its own task.
    assertThat(dag.get("edges")).isEqualTo(List.of());
    assertThat(tasks(dag)).extracting(t -> t.get("task_id")).containsExactly("checked", "kept");
    for (Map<String, Object> task : tasks(dag)) {
      assertThat(task.get("files")).isEqualTo(
          "/srv/pipelines/shipped.conf,/srv/pipelines/sources.conf,/srv/conf/application.conf,/srv/conf/prod.conf");
      assertThat(task.get("application_args")).isEqualTo(List.of("run", "shipped.conf", "--steps", task.get("task_id"),
          "--run-id", "{{ run_id }}", "--conf", ".", "--env", "prod"));
    }

    Files.writeString(conf.resolve("application.conf"),
        settings.formatted("hdfs://nn:8020/lakemill/pipelines/", "hdfs://nn:8020/lakemill/conf", "shared"));
    CliTest.Outcome shared = lakemill("dags", "generate", file.toString(), "--out", out.toString(), "--airflow", "2",
        "--conf", conf.toString(), "--env", "prod");

    assertThat(shared.exit()).as(shared.err()).isZero();
    for (Map<String, Object> task : tasks(onlyDag(inspect(List.of(out.resolve("shipped.py")))))) {
      assertThat(task).doesNotContainKey("files");
      assertThat(task.get("application_args")).isEqualTo(List.of("run", "hdfs://nn:8020/lakemill/pipelines/shipped.conf",
          "--steps", task.get("task_id"), "--run-id", "{{ run_id }}", "--conf", "hdfs://nn:8020/lakemill/conf",
          "--env", "prod"));
    }

    Path nested = Files.createDirectories(defs.resolve("common"));
    Files.writeString(nested.resolve("sources.conf"), "sources { s { format = generate, generator = churn-customers, rows = 10 } }\n");
    Files.writeString(file, Files.readString(file).replace("include \"sources.conf\"", "include \"common/sources.conf\""));
    Files.writeString(conf.resolve("application.conf"), settings.formatted("/srv/pipelines", "/srv/conf", "ship"));
    CliTest.Outcome refused = lakemill("dags", "generate", file.toString(), "--out", dir.resolve("none").toString(),
        "--airflow", "3", "--conf", conf.toString(), "--env", "prod");

    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err()).isEqualTo(file + ": Cannot ship include common/sources.conf with deploy = ship: it is in a"
        + " subfolder, and shipped files land by base name in the driver's working directory; move it next to the"
        + " pipeline file under a name of its own, or use deploy = shared\n"
        + "No DAG file written: fix the problems above (1 pipeline files)\n");
    assertThat(dir.resolve("none")).doesNotExist();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> tasks(Map<String, Object> dag) {
    return (List<Map<String, Object>>) dag.get("tasks");
  }

  @Test
  void badSettingsArgumentsAndClashesExit2WithoutWriting() throws IOException {
    Path out = dir.resolve("dags");
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(conf.resolve("cluster.conf"), "lakemill {}\n");
    Files.writeString(conf.resolve("application.conf"), """
        lakemill {
          lakehouse-root = ./lakehouse
          dags {
            retrys = 2
            retry-delay-minutes = -1
          }
        }
        """);
    CliTest.Outcome badKeys = lakemill("dags", "generate", DEFS, "--out", out.toString(), "--conf", conf.toString());
    Files.writeString(conf.resolve("application.conf"), "lakemill { lakehouse-root = ./lakehouse, dags { env = \"\" } }\n");
    CliTest.Outcome blank = lakemill("dags", "generate", DEFS, "--out", out.toString(), "--conf", conf.toString());
    Files.writeString(conf.resolve("application.conf"), "lakemill { lakehouse-root = ./lakehouse }\n");
    CliTest.Outcome noJar = lakemill("dags", "generate", DEFS, "--out", out.toString(), "--conf", conf.toString());
    CliTest.Outcome airflow4 = lakemill("dags", "generate", DEFS, "--out", out.toString(), "--airflow", "4");
    Path empty = Files.createDirectories(dir.resolve("empty"));
    CliTest.Outcome noFiles = lakemill("dags", "generate", empty.toString(), "--out", out.toString(), "--conf", CliTest.CONF);
    Path a = Files.createDirectories(dir.resolve("a"));
    Path b = Files.createDirectories(dir.resolve("b"));
    Files.copy(Path.of(DEFS, "churn-prep.conf"), a.resolve("prep.conf"));
    Files.copy(Path.of(DEFS, "churn-prep.conf"), b.resolve("churn-prep.conf"));
    Files.copy(Path.of(DEFS, "churn.conf"), b.resolve("prep.conf"));
    CliTest.Outcome clash = lakemill("dags", "generate", a.toString(), b.toString(), "--out", out.toString(),
        "--conf", CliTest.CONF);

    Path settings = conf.resolve("application.conf");
    assertThat(badKeys.exit()).isEqualTo(Lakemill.INVALID);
    assertThat(badKeys.err()).isEqualTo(
        settings + ": 4: lakemill.dags.retrys: Unknown key 'retrys' in lakemill.dags; did you mean 'retries'?\n"
            + settings + ": 5: lakemill.dags.retry-delay-minutes: Cannot use retry-delay-minutes -1: must be >= 0\n");
    assertThat(blank.err()).isEqualTo(settings + ": 1: lakemill.dags.env: Cannot use an empty env: give a value or"
        + " remove the key to use the default\n");
    assertThat(noJar.err()).isEqualTo("Cannot generate DAGs: lakemill.dags.application-jar is not set; set it in"
        + " application.conf or the environment overlay to the lakemill-jobs jar as spark-submit on the Airflow worker"
        + " sees it\n");
    assertThat(airflow4.err()).isEqualTo("Cannot generate DAGs for Airflow '4': use --airflow 2 or --airflow 3\n");
    assertThat(noFiles.err()).isEqualTo(empty + ": Cannot find pipeline files: the folder holds no *.conf file;"
        + " pass a folder of pipeline files or the files themselves\n");
    assertThat(clash.err()).isEqualTo("Cannot generate two DAGs with dag_id 'churn-prep' (from " + a.resolve("prep.conf")
        + " and " + b.resolve("churn-prep.conf") + "): give the pipelines different names\n"
        + "Cannot deploy two pipeline files named 'prep.conf' (" + a.resolve("prep.conf") + " and " + b.resolve("prep.conf")
        + ") to one pipelines-dir: rename one of them\n"
        + "No DAG file written: fix the problems above (3 pipeline files)\n");
    for (CliTest.Outcome r : List.of(blank, noJar, airflow4, noFiles, clash)) {
      assertThat(r.exit()).isEqualTo(Lakemill.INVALID);
    }
    assertThat(out).doesNotExist();
  }

  @Test
  void theDocShowsWhatIsGeneratedAndItsSettingsBlockLoads() throws IOException {
    Path out = dir.resolve("dags");
    lakemill("dags", "generate", DEFS + "/churn-prep.conf", "--out", out.toString(), "--conf", CliTest.CONF);
    List<DocsExamplesTest.Block> blocks = DocsExamplesTest.blocks(Path.of("../docs/AIRFLOW-DAGS.md"));
    String generated = Files.readString(out.resolve("churn-prep.py")).replace(DEFS, "pipeline-defs");
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.copy(Path.of(CliTest.CONF, "application.conf"), conf.resolve("application.conf"));
    Files.writeString(conf.resolve("cluster.conf"), blocks.stream().filter(b -> b.language().equals("conf"))
        .findFirst().orElseThrow().text());

    CliTest.Outcome withDocSettings = lakemill("dags", "generate", DEFS, "--out", dir.resolve("doc").toString(),
        "--conf", conf.toString());

    assertThat(blocks.stream().filter(b -> b.language().equals("python")).map(b -> versionless(b.text())))
        .containsExactly(versionless(generated));
    assertThat(withDocSettings.exit()).as(withDocSettings.err()).isZero();
    assertThat(Files.readString(dir.resolve("doc/churn.py")))
        .contains("        env_vars={\"LAKEMILL_CONF\": \"/opt/lakemill/conf\", \"LAKEMILL_LAKEHOUSE\": \"s3a://bucket/lakehouse\"},\n")
        .contains("    \"spark.executor.memory\": \"4g\",\n");
  }

  /**
   * Text from a pipeline file (its folder and file name, description, owner, tags) and from the
   * settings may hold encoding declarations, quotes, line breaks and Jinja: the file still decodes as
   * UTF-8, imports without running any of it, and every templated field renders to the literal text
   * without touching Airflow's connections, variables or macros.
   */
  @ParameterizedTest
  @ValueSource(strings = {"2", "3"})
  void hostileTextStaysInertInPythonAndRendersAsItself(String airflow) throws Exception {
    Path marker = dir.resolve("pwned");
    String code = "__import__('pathlib').Path(" + JSON.writeValueAsString(marker.toString()) + ").touch()";
    String jinja = "{{ conn.x.password }}{% for i in range(3) %}{{ var.value.k }}{% endfor %}{# c #}";
    Path folder = Files.createDirectories(dir.resolve("defs {{ conn.x.password }}\n{%- raw %}\u2028"));
    String fileName = "coding=utf-7 +ACI- coding:latin-1 '''\"\"\" \\ " + jinja + "\n{#.conf";
    Path file = folder.resolve(fileName);
    String description = "x\n# -*- coding: utf-7 -*-\n\"\"\"+ACI-); " + code + " #\u2028\r" + jinja + "\u0085\\";
    String owner = "O'Brien\\\"; " + code + " # ''' +ACIAOw- " + jinja;
    List<String> tags = List.of("{% raw %}x{% endraw %}", "\u0085\u000c\u0000", "\"\"\"" + code, "+ACIAOw-");
    Files.writeString(file, "pipeline {\n  name = hostile\n  description = " + JSON.writeValueAsString(description)
        + "\n  owner = " + JSON.writeValueAsString(owner) + "\n  tags = " + JSON.writeValueAsString(tags) + "\n}\n"
        + "params { run-date = \"2024-01-01\" }\n"
        + "sources { s { format = generate, generator = churn-customers, rows = 10 } }\n"
        + "steps {\n  base { type = sql, sql = \"SELECT customer_id FROM s\", output = silver.hostile }\n"
        + "  last { type = sql, sql = \"SELECT * FROM base\" }\n}\n");
    String pipelinesDir = "/srv/" + jinja + "/{%raw%}\n";
    String jar = "/j/{{ 7 * 7 }}\r.jar";
    String envVar = "{{ var.value.x }}\r\n{#";
    String sparkValue = "{{ macros.ds_add(ds, 1) }}{";
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(conf.resolve("prod.conf"), "lakemill {}\n");
    Files.writeString(conf.resolve("application.conf"), "lakemill {\n lakehouse-root = ./lakehouse\n dags {\n"
        + "  application-jar = " + JSON.writeValueAsString(jar) + "\n"
        + "  pipelines-dir = " + JSON.writeValueAsString(pipelinesDir) + "\n"
        + "  env = " + JSON.writeValueAsString("e{{ run_id }}") + "\n"
        + "  spark-conf { \"spark.x\" = " + JSON.writeValueAsString(sparkValue) + " }\n"
        + "  jars = [" + JSON.writeValueAsString("/a/{{ x }}.jar") + "]\n"
        + "  packages = [" + JSON.writeValueAsString("g:{%a%}:1") + "]\n"
        + "  env-vars { K = " + JSON.writeValueAsString(envVar) + " }\n }\n}\n");
    Path out = dir.resolve("dags");

    CliTest.Outcome r = lakemill("dags", "generate", file.toString(), "--out", out.toString(), "--airflow", airflow,
        "--conf", conf.toString(), "--env", "prod");

    assertThat(r.exit()).as(r.err()).isZero();
    Path dagFile = out.resolve("hostile.py");
    List<String> lines = Files.readAllLines(dagFile);
    assertThat(lines.get(0)).isEqualTo("# -*- coding: utf-8 -*-");
    assertThat(lines.get(1)).startsWith("# Generated by lakemill ").doesNotContain("coding");
    Map<String, Object> result = render(List.of(dagFile), Map.of("run_id", "manual__2026-01-02T03:04:05+00:00",
        "logical_date", "2026-01-02T03:04:05+00:00", "run_after", "2026-01-02T03:04:05+00:00", "conf", Map.of()));
    assertThat(marker).doesNotExist();
    assertThat(result.get("touched")).isEqualTo(List.of());
    assertThat(result.get("encodings")).isEqualTo(Map.of(dagFile.toString(), "utf-8"));
    Map<String, Object> dag = onlyDag(dags(result));
    assertThat(dag).containsEntry("description", description).containsEntry("tags", tags.stream().sorted().toList());
    assertThat(dag.get("default_args")).isEqualTo(Map.of("owner", owner, "retries", 1, "retry_delay", 300.0));
    Map<String, String> sparkConf = new TreeMap<>(DELTA_CONF);
    sparkConf.put("spark.x", sparkValue);
    List<Object> rendered = new ArrayList<>();
    for (String step : List.of("base", "last")) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("application", jar);
      fields.put("conf", sparkConf);
      fields.put("name", "lakemill-hostile-" + step);
      fields.put("application_args", List.of("run", pipelinesDir + "/" + fileName, "--steps", step, "--run-id",
          "manual__2026-01-02T03:04:05+00:00", "--param", "run-date=2026-01-02", "--env", "e{{ run_id }}"));
      fields.put("jars", "/a/{{ x }}.jar");
      fields.put("packages", "g:{%a%}:1");
      fields.put("env_vars", Map.of("K", envVar));
      rendered.add(fields);
    }
    assertThat(tasksRendered(dag)).isEqualTo(rendered);
  }

  /**
   * Every declared param is a DAG param typed from the file's default, and every task passes it from
   * the run's params: a trigger's conf reaches every task as data, even when it holds Jinja.
   */
  @ParameterizedTest
  @ValueSource(strings = {"2", "3"})
  void paramsAreDagParamsAndTheTriggersConfReachesEveryTaskAsData(String airflow) throws Exception {
    Path file = dir.resolve("params.conf");
    Files.writeString(file, """
        pipeline { name = params }
        params {
          run-date = "2026-11-26"
          rows = 200
          threshold = 0.25
          enabled = true
          since = "2024-05-01"
          region = "{{ conn.x.password }}"
          "odd'name" = x
        }
        sources { s { format = generate, generator = churn-customers, rows = 10 } }
        steps {
          base { type = sql, sql = "SELECT customer_id FROM s", output = silver.params }
          last { type = sql, sql = "SELECT * FROM base" }
        }
        """);
    Path out = dir.resolve("dags");
    CliTest.Outcome r = lakemill("dags", "generate", file.toString(), "--out", out.toString(), "--airflow", airflow,
        "--conf", CliTest.CONF);
    assertThat(r.exit()).as(r.err()).isZero();
    Path dagFile = out.resolve("params.py");
    String hostile = "{{ var.value.secret }}{% for i in range(3) %}x{% endfor %}'\\\"";

    Map<String, Object> defaults = render(List.of(dagFile), Map.of("run_id", "scheduled__2026-01-02T03:00:00+00:00",
        "logical_date", "2026-01-02T03:00:00+00:00", "run_after", "2026-01-02T03:00:00+00:00", "conf", Map.of()));
    Map<String, Object> conf = new LinkedHashMap<>();
    conf.put("region", hostile);
    conf.put("rows", 7);
    conf.put("enabled", false);
    conf.put("run-date", "2025-12-31");
    conf.put("odd'name", "{{ params }}");
    Map<String, Object> triggered = render(List.of(dagFile), Map.of("run_id", "manual__x", "run_after",
        "2026-01-05T10:00:00+00:00", "conf", conf));

    String paramClass = airflow.equals("2") ? "airflow.Param" : "airflow.sdk.Param";
    Map<String, Object> expectedParams = new LinkedHashMap<>();
    expectedParams.put("enabled", param(paramClass, true, null, Map.of("type", "boolean")));
    expectedParams.put("odd'name", param(paramClass, "x", null, Map.of("type", "string")));
    expectedParams.put("region", param(paramClass, "{{ conn.x.password }}", null, Map.of("type", "string")));
    expectedParams.put("rows", param(paramClass, 200, null, Map.of("type", "integer")));
    expectedParams.put("run-date", param(paramClass, null, "Empty: the run's logical date (yyyy-MM-dd)",
        Map.of("type", List.of("null", "string"), "format", "date")));
    expectedParams.put("since", param(paramClass, "2024-05-01", null, Map.of("type", "string", "format", "date")));
    expectedParams.put("threshold", param(paramClass, 0.25, null, Map.of("type", "number")));
    for (Map<String, Object> result : List.of(defaults, triggered)) {
      assertThat(result.get("touched")).isEqualTo(List.of());
      assertThat(onlyDag(dags(result)).get("params")).isEqualTo(expectedParams);
    }
    assertThat(paramArgs(onlyDag(dags(defaults)))).containsOnly(List.of("enabled=true", "odd'name=x",
        "region={{ conn.x.password }}", "rows=200", "run-date=2026-01-02", "since=2024-05-01", "threshold=0.25"));
    assertThat(paramArgs(onlyDag(dags(triggered)))).containsOnly(List.of("enabled=false", "odd'name={{ params }}",
        "region=" + hostile, "rows=7", "run-date=2025-12-31", "since=2024-05-01", "threshold=0.25"));
  }

  private static Map<String, Object> param(String type, Object value, String description, Map<String, Object> schema) {
    Map<String, Object> param = new LinkedHashMap<>();
    param.put("class", type);
    param.put("default", value);
    param.put("description", description);
    param.put("schema", schema);
    return param;
  }

  /** Each task's rendered {@code --param} values, in order. */
  @SuppressWarnings("unchecked")
  private static List<List<String>> paramArgs(Map<String, Object> dag) {
    List<List<String>> out = new ArrayList<>();
    for (Object task : (List<Object>) dag.get("tasks")) {
      List<String> args = (List<String>) ((Map<String, Object>) ((Map<String, Object>) task).get("rendered"))
          .get("application_args");
      List<String> values = new ArrayList<>();
      for (int i = 0; i < args.size() - 1; i++) {
        if (args.get(i).equals("--param")) {
          values.add(args.get(i + 1));
        }
      }
      out.add(values);
    }
    assertThat(out).hasSize(2);
    return out;
  }

  /**
   * Each task that writes a table or moves a model alias declares that asset as an outlet, and an
   * on-update pipeline is scheduled on exactly the listed assets, with the producers' URIs; an entry
   * no generated pipeline produces is a warning that names it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"2", "3"})
  void outletsAndOnUpdateSchedulesShareOneUriPerTableAndAlias(String airflow) throws Exception {
    Path rescore = dir.resolve("rescore.conf");
    Files.writeString(rescore, """
        pipeline {
          name = rescore
          schedule {
            on-update = ["churn@champion", silver.customers, gold.nobody]
          }
        }
        sources { customers { format = delta, table = silver.customers } }
        steps { scores { type = score, model = "churn@champion", input = customers, output = gold.rescored } }
        """);
    Path out = dir.resolve("dags");

    CliTest.Outcome r = lakemill("dags", "generate", DEFS + "/churn.conf", DEFS + "/churn-prep.conf", rescore.toString(),
        "--out", out.toString(), "--airflow", airflow, "--conf", CliTest.CONF);

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).isEqualTo(rescore + ": 4: pipeline.schedule.on-update: Warning: no pipeline generated here"
        + " writes the table gold.nobody (asset lakemill://cluster/table/gold.nobody): DAG 'rescore' runs only when"
        + " something else updates that asset; check the name, or generate the pipeline that writes it together with"
        + " this one\n");
    Map<String, Object> built = inspect(List.of(out.resolve("churn.py"), out.resolve("churn-prep.py"),
        out.resolve("rescore.py")));
    String assetClass = airflow.equals("2") ? "airflow.datasets.Dataset" : "airflow.sdk.Asset";
    Map<String, Object> schedule = Map.of("class", airflow.equals("2") ? "airflow.datasets.DatasetAny"
        : "airflow.sdk.AssetAny", "any", List.of(asset(assetClass, "lakemill://cluster/model/churn@champion"),
        asset(assetClass, "lakemill://cluster/table/silver.customers"), asset(assetClass,
        "lakemill://cluster/table/gold.nobody")));
    Map<String, Object> rescoreDag = onlyDag(Map.of("rescore", built.get(out.resolve("rescore.py").toString())));
    assertThat(rescoreDag.get("schedule")).isEqualTo(schedule);
    assertThat(outlets(rescoreDag)).isEqualTo(Map.of("scores",
        List.of(asset(assetClass, "lakemill://cluster/table/gold.rescored"))));
    Map<String, Object> churn = onlyDag(Map.of("churn", built.get(out.resolve("churn.py").toString())));
    Map<String, Object> prep = onlyDag(Map.of("prep", built.get(out.resolve("churn-prep.py").toString())));
    assertThat(outlets(churn)).containsEntry("validate", List.of(asset(assetClass,
        "lakemill://cluster/model/churn@champion"))).containsEntry("prepare", List.of(asset(assetClass,
        "lakemill://cluster/table/silver.customers")));
    assertThat(outlets(prep)).containsEntry("prepare", List.of(asset(assetClass,
        "lakemill://cluster/table/silver.customers")));
  }

  private static Map<String, Object> asset(String type, String uri) {
    return Map.of("class", type, "uri", uri);
  }

  /** Each task's outlets, by task id. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> outlets(Map<String, Object> dag) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Object task : (List<Object>) dag.get("tasks")) {
      Map<String, Object> t = (Map<String, Object>) task;
      out.put((String) t.get("task_id"), t.get("outlets"));
    }
    return out;
  }

  @Test
  void dagFilesOfPipelinesGoneFromTheFolderAreRemovedAndDryRunChangesNothing() throws IOException {
    Path defs = Files.createDirectories(dir.resolve("defs"));
    String pipeline = "pipeline { name = %s }\nsources { s { format = generate, generator = churn-customers, rows = 5 } }\n"
        + "steps { copy { type = sql, sql = \"SELECT * FROM s\", output = silver.%s } }\n";
    Files.writeString(defs.resolve("a.conf"), pipeline.formatted("a", "a"));
    Files.writeString(defs.resolve("b.conf"), pipeline.formatted("b", "b"));
    Path out = dir.resolve("dags");
    Path other = Files.createDirectories(dir.resolve("other"));
    Files.writeString(other.resolve("c.conf"), pipeline.formatted("c", "c"));
    assertThat(lakemill("dags", "generate", defs.toString(), other.toString(), "--out", out.toString(), "--conf",
        CliTest.CONF).exit()).isZero();
    Files.writeString(out.resolve("mine.py"), "# written by hand\n");
    Files.delete(defs.resolve("b.conf"));
    Files.delete(other.resolve("c.conf"));
    Files.writeString(defs.resolve("d.conf"), pipeline.formatted("d", "d"));

    CliTest.Outcome dry = lakemill("dags", "generate", defs.toString(), "--out", out.toString(), "--conf", CliTest.CONF,
        "--dry-run");
    List<String> afterDryRun;
    try (Stream<Path> files = Files.list(out)) {
      afterDryRun = files.map(p -> p.getFileName().toString()).sorted().toList();
    }
    CliTest.Outcome real = lakemill("dags", "generate", defs.toString(), "--out", out.toString(), "--conf", CliTest.CONF);

    assertThat(dry.exit()).as(dry.err()).isZero();
    assertThat(dry.out()).isEqualTo(out.resolve("a.py") + ": dag a from " + defs.resolve("a.conf") + " (unchanged)\n"
        + out.resolve("d.py") + ": dag d from " + defs.resolve("d.conf") + " (would write)\n"
        + out.resolve("b.py") + ": would remove: generated by lakemill from " + defs.resolve("b.conf")
        + ", which no longer exists\n");
    assertThat(afterDryRun).containsExactly("a.py", "b.py", "c.py", "mine.py");
    assertThat(real.exit()).as(real.err()).isZero();
    assertThat(real.out()).isEqualTo(dry.out().replace("would write", "written").replace("would remove", "removed"));
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly("a.py", "c.py", "d.py", "mine.py");
    }
  }

  /** Each task's rendered templated fields that are set. */
  @SuppressWarnings("unchecked")
  private static List<Object> tasksRendered(Map<String, Object> dag) {
    List<Object> out = new ArrayList<>();
    for (Object task : (List<Object>) dag.get("tasks")) {
      Map<String, Object> fields = new LinkedHashMap<>((Map<String, Object>) ((Map<String, Object>) task).get("rendered"));
      fields.values().removeIf(Objects::isNull);
      out.add(fields);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> dags(Map<String, Object> rendered) {
    return (Map<String, Object>) rendered.get("dags");
  }

  /** What the DAG files build, with their templated fields rendered for one DAG run: see inspect_dags.py. */
  @SuppressWarnings("unchecked")
  private Map<String, Object> render(List<Path> files, Map<String, Object> run) throws IOException, URISyntaxException {
    Path context = dir.resolve("run.json");
    JSON.writeValue(context.toFile(), run);
    List<String> args = new ArrayList<>(List.of(resource("inspect_dags.py").toString(), "--render", context.toString()));
    files.forEach(f -> args.add(f.toString()));
    return JSON.readValue(python(args), Map.class);
  }

  /** The header without the lakemill version and the pipeline's fingerprint, which change by themselves. */
  private static String versionless(String dagFile) {
    return dagFile.replaceFirst("lakemill \\S+\\. Do not edit", "lakemill VERSION. Do not edit")
        .replaceFirst("sha256:[0-9a-f]{64}", "sha256:FINGERPRINT");
  }

  /** The DAG a shipped pipeline must build with the settings of conf/application.conf. */
  private static Map<String, Object> expectedDag(Path pipeline, String airflow) throws IOException {
    PipelineInfo info = Checks.compiler().validate(pipeline, Map.of()).info();
    CliTest.Outcome plan = lakemill("plan", pipeline.toString(), "--format", "json", "--conf", CliTest.CONF);
    assertThat(plan.exit()).as(plan.err()).isZero();
    List<String> steps = new ArrayList<>();
    Map<String, List<String>> inputs = new LinkedHashMap<>();
    for (JsonNode step : JSON.readTree(plan.out()).get("steps")) {
      steps.add(step.get("name").asText());
      List<String> in = new ArrayList<>();
      step.get("inputs").forEach(i -> in.add(i.asText()));
      inputs.put(step.get("name").asText(), in);
    }
    List<StepPlan> planned = Checks.compiler().compile(Checks.compiler().validate(pipeline, Map.of()),
        EnvironmentLoader.load(Path.of(CliTest.CONF), "cluster")).steps();
    List<String> folded = planned.stream().filter(s -> s.output() == null
            && (s instanceof SqlStepPlan || s instanceof FeaturesStepPlan)
            && inputs.values().stream().anyMatch(in -> in.contains(s.name())))
        .map(StepPlan::name).toList();
    List<List<String>> edges = new ArrayList<>();
    inputs.forEach((step, in) -> {
      if (!folded.contains(step)) {
        taskInputs(in, inputs, folded).stream().filter(steps::contains).distinct()
            .forEach(up -> edges.add(List.of(up, step)));
      }
    });
    edges.sort(Comparator.<List<String>, String>comparing(e -> e.get(0)).thenComparing(e -> e.get(1)));
    String runDate = airflow.equals("2") ? "ds" : "(dag_run.logical_date or dag_run.run_after).strftime('%Y-%m-%d')";
    Map<String, String> declared = new TreeMap<>(Checks.compiler().validate(pipeline, Map.of()).params());
    List<String> paramArgs = new ArrayList<>();
    Map<String, Object> params = new LinkedHashMap<>();
    declared.forEach((name, value) -> {
      boolean runDateParam = name.equals("run-date");
      paramArgs.add("--param");
      paramArgs.add(name + "=" + (runDateParam ? "{{ params['run-date'] or " + runDate + " }}" : "{{ params['" + name + "'] }}"));
      Map<String, Object> param = new LinkedHashMap<>();
      param.put("class", airflow.equals("2") ? "airflow.Param" : "airflow.sdk.Param");
      param.put("default", runDateParam ? null : value.matches("-?[0-9]+") ? (Object) Integer.valueOf(value)
          : value.matches("-?[0-9]+\\.[0-9]+") ? (Object) Double.valueOf(value) : value);
      param.put("description", runDateParam ? "Empty: the run's logical date (yyyy-MM-dd)" : null);
      param.put("schema", runDateParam ? Map.of("type", List.of("null", "string"), "format", "date")
          : value.matches("-?[0-9]+") ? Map.of("type", "integer") : value.matches("-?[0-9]+\\.[0-9]+")
          ? Map.of("type", "number") : value.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")
          ? Map.of("type", "string", "format", "date") : Map.of("type", "string"));
      params.put(name, param);
    });
    String assetClass = airflow.equals("2") ? "airflow.datasets.Dataset" : "airflow.sdk.Asset";
    Map<String, Object> outlets = new LinkedHashMap<>();
    for (StepPlan step : Checks.compiler().compile(Checks.compiler().validate(pipeline, Map.of()),
        EnvironmentLoader.load(Path.of(CliTest.CONF), "cluster")).steps()) {
      outlets.put(step.name(), step.output() != null
          ? List.of(asset(assetClass, "lakemill://cluster/table/" + step.output().name()))
          : step instanceof ValidateStepPlan v && v.promoteTo() != null
          ? List.of(asset(assetClass, "lakemill://cluster/model/" + v.modelName() + "@" + v.promoteTo())) : List.of());
    }
    List<Object> tasks = new ArrayList<>();
    for (String step : steps.stream().filter(s -> !folded.contains(s)).toList()) {
      List<String> args = new ArrayList<>(List.of("run", "/opt/lakemill/pipeline-defs/" + pipeline.getFileName(),
          "--steps", step, "--run-id", "{{ run_id }}"));
      args.addAll(paramArgs);
      args.addAll(List.of("--env", "cluster"));
      Map<String, Object> task = new LinkedHashMap<>();
      task.put("task_id", step);
      task.put("name", "lakemill-" + info.name() + "-" + step);
      task.put("application", "/opt/lakemill/lakemill-jobs-app.jar");
      task.put("java_class", Lakemill.class.getName());
      task.put("application_args", args);
      task.put("conf", DELTA_CONF);
      task.put("conn_id", "spark_default");
      task.put("jars", null);
      task.put("packages", null);
      task.put("env_vars", null);
      task.put("outlets", outlets.get(step));
      tasks.add(task);
    }
    Map<String, Object> dag = new LinkedHashMap<>();
    dag.put("dag_id", info.name());
    dag.put("dag_class", airflow.equals("2") ? "airflow.DAG" : "airflow.sdk.DAG");
    dag.put("description", info.description().isEmpty() ? null : info.description()); // omitted: Airflow's None
    dag.put("schedule", info.schedule().isEmpty() ? null : info.schedule());
    dag.put("start_date", "2024-01-01T00:00:00+00:00");
    dag.put("catchup", false);
    dag.put("max_active_runs", 1);
    dag.put("tags", info.tags().stream().sorted().distinct().toList());
    dag.put("default_args", Map.of("owner", info.owner(), "retries", 1, "retry_delay", 300.0));
    if (!params.isEmpty()) {
      dag.put("params", params);
    }
    dag.put("tasks", tasks);
    dag.put("edges", edges);
    return dag;
  }

  /** A task's upstream steps: its inputs, with each folded view replaced by the view's own inputs. */
  private static List<String> taskInputs(List<String> in, Map<String, List<String>> inputs, List<String> folded) {
    List<String> out = new ArrayList<>();
    for (String i : in) {
      out.addAll(folded.contains(i) ? taskInputs(inputs.get(i), inputs, folded) : List.of(i));
    }
    return out;
  }

  private static List<Path> shippedPipelines() throws IOException {
    try (Stream<Path> defs = Files.list(Path.of(DEFS))) {
      List<Path> files = defs.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
      assertThat(files).extracting(p -> p.getFileName().toString()).contains("churn-prep.conf", "churn.conf");
      return files;
    }
  }

  /** The shipped pipelines' names are their file names. */
  private static String dagId(Path pipeline) {
    return pipeline.getFileName().toString().replace(".conf", "");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> onlyDag(Map<String, Object> built) {
    assertThat(built).hasSize(1);
    List<Object> dags = (List<Object>) built.values().iterator().next();
    assertThat(dags).hasSize(1);
    return (Map<String, Object>) dags.get(0);
  }

  /** What each DAG file builds, by file: the JSON of src/test/resources/inspect_dags.py. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> inspect(List<Path> files) throws IOException, URISyntaxException {
    List<String> args = new ArrayList<>(List.of(resource("inspect_dags.py").toString()));
    files.forEach(f -> args.add(f.toString()));
    return JSON.readValue(python(args), Map.class);
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(DagsCommandTest.class.getResource("/" + name).toURI());
  }

  /** Runs python3 with the Airflow stub on PYTHONPATH; fails unless it exits 0; returns its output. */
  private static String python(List<String> args) throws IOException {
    List<String> command = new ArrayList<>(List.of("python3"));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    try {
      builder.environment().put("PYTHONPATH", resource("airflow-stub").toString());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      assertThat(process.waitFor()).as("python3 %s%n%s", args, output).isZero();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return output;
  }
}
