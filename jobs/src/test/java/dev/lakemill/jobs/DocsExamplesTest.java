package dev.lakemill.jobs;

import static dev.lakemill.jobs.CliTest.lakemill;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakemill.PipelineFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every example in README.md and docs/ runs: hocon blocks validate (or, when marked
 * {@code # expect-invalid: NAME}, print exactly the text block that follows), the README's pipeline
 * is the shipped file, every shipped pipeline validates, and the ledger queries run on a real ledger.
 */
class DocsExamplesTest {
  private static final Path ROOT = Path.of("..");

  @TempDir Path dir;

  record Block(String language, String text) {}

  static List<Block> blocks(Path markdown) throws IOException {
    List<Block> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(markdown);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("```") && lines.get(i).length() > 3) {
        String language = lines.get(i).substring(3).trim();
        StringBuilder text = new StringBuilder();
        while (!lines.get(++i).startsWith("```")) {
          text.append(lines.get(i)).append('\n');
        }
        out.add(new Block(language, text.toString()));
      }
    }
    return out;
  }

  static List<Path> documents() throws IOException {
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      return Stream.concat(Stream.of(ROOT.resolve("README.md")), docs.filter(p -> p.toString().endsWith(".md")).sorted())
          .toList();
    }
  }

  @Test
  void everyHoconExampleValidatesOrFailsExactlyAsShown() throws IOException {
    int checked = 0;
    for (Path doc : documents()) {
      List<Block> blocks = blocks(doc);
      for (int i = 0; i < blocks.size(); i++) {
        Block block = blocks.get(i);
        if (!block.language().equals("hocon")) {
          continue;
        }
        checked++;
        String first = block.text().lines().findFirst().orElse("");
        if (first.startsWith("# expect-invalid: ")) {
          Path file = dir.resolve(first.substring("# expect-invalid: ".length()).trim());
          Files.writeString(file, block.text());
          CliTest.Outcome r = lakemill("validate", file.toString());
          String shown = blocks.get(i + 1).text().lines().filter(l -> !l.startsWith("$ "))
              .collect(Collectors.joining("\n", "", "\n"));
          assertThat(r.exit()).isEqualTo(Lakemill.INVALID);
          assertThat(r.err().replace(dir + "/", "")).as(doc.toString()).isEqualTo(shown);
        } else {
          Path file = dir.resolve("example-" + checked + ".conf");
          Files.writeString(file, block.text());
          CliTest.Outcome r = lakemill("validate", file.toString());
          assertThat(r.exit()).as("%s example %d:%n%s%n%s", doc, checked, block.text(), r.err()).isZero();
        }
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(8);
  }

  @Test
  void readmeShowsTheShippedPipelineAndEveryShippedPipelineValidates() throws IOException {
    String shipped = Files.readAllLines(ROOT.resolve("pipeline-defs/churn.conf")).stream()
        .dropWhile(l -> l.startsWith("#")).collect(Collectors.joining("\n", "", "\n"));
    assertThat(blocks(ROOT.resolve("README.md"))).contains(new Block("hocon", shipped));

    List<String> files;
    try (Stream<Path> defs = Files.list(ROOT.resolve("pipeline-defs"))) {
      files = defs.filter(p -> p.toString().endsWith(".conf")).map(Path::toString).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    CliTest.Outcome r = lakemill(Stream.concat(Stream.of("validate"), files.stream()).toArray(String[]::new));
    assertThat(r.exit()).as(r.err()).isZero();
  }

  @Test
  void driftDocShowsTheShippedNightlyPipeline() throws IOException {
    String shipped = Files.readAllLines(ROOT.resolve("pipeline-defs/churn-nightly.conf")).stream()
        .filter(l -> !l.startsWith("#")).collect(Collectors.joining("\n", "", "\n"));
    assertThat(blocks(ROOT.resolve("docs/DRIFT.md"))).contains(new Block("hocon", shipped));
  }

  @Test
  void readmeCommandsAreTheOnesCiAndTheLauncherUse() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    String ci = Files.readString(ROOT.resolve(".ci/run"));

    assertThat(readme).contains("scripts/lakemill run pipeline-defs/churn.conf", "mvn -B verify");
    assertThat(ci.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList())
        .contains("mvn -B verify");
    assertThat(ROOT.resolve("scripts/lakemill")).isExecutable();
  }

  @Test
  void runsDocLeaseSettingsAreWhatTheEnvironmentLoads() throws IOException {
    Block lease = blocks(ROOT.resolve("docs/RUNS.md")).stream().filter(b -> b.language().equals("conf")).findFirst()
        .orElseThrow();
    Path conf = Files.createDirectories(dir.resolve("runs-conf"));
    Files.writeString(conf.resolve("application.conf"), "lakemill { lakehouse-root = lake }\n" + lease.text());
    Files.writeString(conf.resolve("local.conf"), "");

    assertThat(dev.lakemill.settings.EnvironmentLoader.load(conf, "local").lease())
        .isEqualTo(dev.lakemill.settings.LeaseSettings.DEFAULTS);
  }

  /** A local session with Delta, to read what the CLI wrote. */
  /** The class's session: the in-process runs use it too, instead of starting and stopping their own. */
  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = PipelineFixture.localSpark("docs");
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  /** A small, fast model pipeline: the registry queries of docs/MODELS.md run on what it registers. */
  private static final String SMALL_MODEL = """
      pipeline { name = docs-model }
      params { seed = 7 }
      sources { customers { format = generate, generator = churn-customers, rows = 1500, seed = ${params.seed} } }
      steps {
        prepare { type = sql, sql = "SELECT customer_id, age, support_calls, churned FROM customers", output = silver.customers }
        features { type = features, input = prepare, stages = [{ type = VectorAssembler, params { inputCols = [age, support_calls], outputCol = features } }] }
        train {
          type = train, input = features, label = churned, split { test-fraction = 0.25, seed = 1 }
          estimator { type = LogisticRegression, params { maxIter = 10 } }
          register-as = churn
        }
        validate { type = validate, model = train, metrics = [areaUnderROC], gates = [{ metric = areaUnderROC, at-least = 0.5 }], promote-to = champion }
      }
      """;

  @Test
  void registryQueriesRunOnARealRegistry() throws IOException {
    Path lake = dir.resolve("lake");
    Path file = dir.resolve("docs-model.conf");
    Files.writeString(file, SMALL_MODEL);
    for (String seed : List.of("7", "8")) {
      CliTest.Outcome run = lakemill("run", file.toString(), "--conf", CliTest.CONF, "--lakehouse", lake.toString(),
          "--param", "seed=" + seed);
      assertThat(run.exit()).as(run.out() + run.err()).isZero();
      assertThat(run.out()).contains("registered churn@v");
    }
    List<Block> queries = blocks(ROOT.resolve("docs/MODELS.md")).stream().filter(b -> b.language().equals("sql")).toList();
    assertThat(queries).hasSizeGreaterThanOrEqualTo(4);
    for (Block q : queries) {
      String sql = q.text().replace("${ledger}", lake.resolve("_lakemill").toString());
      assertThat(spark.sql(sql).collectAsList()).as(sql).isNotEmpty();
    }
  }

  @Test
  void ledgerQueriesRunOnARealLedger() throws IOException {
    Path lake = dir.resolve("lake");
    for (String runId : List.of("docs-1", "docs-2")) {
      CliTest.Outcome run = lakemill("run", CliTest.CHURN_PREP, "--conf", CliTest.CONF, "--lakehouse", lake.toString(),
          "--param", "rows=500", "--run-id", runId);
      assertThat(run.exit()).as(run.out() + run.err()).isZero();
    }
    List<Block> queries = blocks(ROOT.resolve("docs/LEDGER.md")).stream().filter(b -> b.language().equals("sql")).toList();
    assertThat(queries).hasSizeGreaterThanOrEqualTo(4);
    for (Block q : queries) {
      String sql = q.text().replace("${ledger}", lake.resolve("_lakemill").toString());
      assertThat(spark.sql(sql).collectAsList()).as(sql).isNotEmpty();
    }
  }
}
