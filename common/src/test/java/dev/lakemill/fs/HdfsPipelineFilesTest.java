package dev.lakemill.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lakemill.PipelineFixture.Run;
import dev.lakemill.SparkTestBase;
import dev.lakemill.check.Checks;
import dev.lakemill.error.LakemillException;
import dev.lakemill.error.PipelineConfigException;
import dev.lakemill.load.PipelineFiles;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.settings.AirflowSettings;
import dev.lakemill.settings.AirflowVersion;
import dev.lakemill.settings.Environment;
import dev.lakemill.settings.EnvironmentLoader;
import dev.lakemill.spec.PipelineSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipeline files, their includes, their sources and the conf folder on a real HDFS: Hadoop's
 * MiniDFSCluster (one name node, one data node on loopback ports) in the test JVM, started once for
 * the class next to the class's SparkSession (measured 27 s from name node to data node ready on the
 * shared 2-core machine at load average 18; not measured idle). The lakehouse stays local.
 */
class HdfsPipelineFilesTest extends SparkTestBase {
  @TempDir static Path hdfsData;

  private static MiniDFSCluster cluster;
  private static FileSystem hdfs;
  private static String root;
  private static PipelineFiles files;

  @BeforeAll
  static void startHdfs() throws IOException {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, hdfsData.toString());
    conf.set("dfs.datanode.hostname", "127.0.0.1");
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    cluster = new MiniDFSCluster.Builder(conf, hdfsData.toFile()).numDataNodes(1).build();
    cluster.waitActive();
    hdfs = cluster.getFileSystem();
    root = cluster.getURI().toString();
    files = HadoopFiles.with(cluster.getConfiguration(0));
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  private static String put(String path, String text) throws IOException {
    try (OutputStream out = hdfs.create(new org.apache.hadoop.fs.Path(path), true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return root + path;
  }

  private static final String PIPELINE = """
      pipeline { name = remote }
      include "common/sources.conf"
      steps {
        adults { type = sql, sql = "SELECT name, age FROM people WHERE age >= ${params.min-age}", output = silver.adults }
      }
      """;

  private static final String SOURCES = """
      params { min-age = 18 }
      sources {
        people { format = csv, path = "../data/people.csv", options { header = "true" }, schema = "name STRING, age INT" }
      }
      """;

  @Test
  void aPipelineFileOnHdfsWithAnIncludeAndARelativeSourceValidatesAndRuns() throws IOException {
    String file = put("/pipelines/remote.conf", PIPELINE);
    put("/pipelines/common/sources.conf", SOURCES);
    put("/data/people.csv", "name,age\nada,36\nbob,12\ncy,18\n");

    PipelineSpec spec = Checks.compiler().validate(file, Map.of(), files);
    PipelinePlan plan = Checks.compiler().compile(file, Map.of("min-age", "18"), lake.env(), files);
    Run run = lake.run(plan, "run-1");

    assertThat(spec.file()).isEqualTo(file);
    assertThat(plan.sources().get(0).location()).isEqualTo(root + "/data/people.csv");
    assertThat(run.succeeded()).as(run.toString()).isTrue();
    assertThat(run.run().pipelineFile()).isEqualTo(file);
    assertThat(sql("SELECT name FROM delta.`%s` ORDER BY name", lake.location("silver.adults")))
        .map(r -> r.getString(0)).containsExactly("ada", "cy");
  }

  @Test
  void aBrokenFileOnHdfsIsNamedByItsUriAndLine() throws IOException {
    String file = put("/broken/broken.conf", """
        pipeline { name = broken }
        include "sources.conf"
        steps {
          adults { type = sql, sql = "SELECT * FROM people", output = silver.adults }
        }
        """);
    String unclosed = put("/broken/unclosed.conf", "pipeline { name = unclosed }\nsteps {\n  a { type = sql }\n");
    put("/broken/sources.conf", "sources {\n  people { format = csv, path = people.csv, schema = \"name STRING\", }\n  = 3\n}\n");

    PipelineConfigException e = catchThrowableOfType(PipelineConfigException.class,
        () -> Checks.compiler().validate(file, Map.of(), files));

    assertThat(e.getMessage()).isEqualTo(root + "/broken/sources.conf: 3: Expecting a close parentheses ')' here,"
        + " not: '='. Fix the HOCON syntax");
    assertThat(catchThrowableOfType(PipelineConfigException.class,
        () -> Checks.compiler().validate(unclosed, Map.of(), files)).getMessage())
        .isEqualTo(unclosed + ": 4: Expecting a close parentheses ')' here, not: end of file. Fix the HOCON syntax");
    assertThat(e.kind()).isEqualTo(LakemillException.Kind.INVALID_INPUT);
  }

  @Test
  void aMissingFileAndAMissingIncludeOnHdfsAreNamedByTheirUris() throws IOException {
    String file = put("/missing/p.conf", "pipeline { name = p }\ninclude \"nope.conf\"\n");

    assertThat(catchThrowableOfType(PipelineConfigException.class,
        () -> Checks.compiler().validate(root + "/missing/absent.conf", Map.of(), files)).getMessage())
        .isEqualTo(root + "/missing/absent.conf: Cannot read pipeline file: it does not exist or is not a file;"
            + " check the path");
    assertThat(catchThrowableOfType(PipelineConfigException.class,
        () -> Checks.compiler().validate(file, Map.of(), files)).getMessage())
        .isEqualTo(file + ": 2: include: Included file \"nope.conf\" does not exist (" + root + "/missing/nope.conf);"
            + " create it or remove the include (includes are resolved against the including file's folder)");
  }

  @Test
  void theConfFolderOnHdfsIsTheEnvironmentAndItsErrorsNameTheUri() throws IOException {
    put("/conf/application.conf", "lakemill { lakehouse-root = /tmp/lake, spark.master = \"local[1]\" }\n");
    put("/conf/prod.conf", "lakemill { lakehouse-root = \"hdfs:///lake\"\n  dags { retries = 2 }\n"
        + "  airflow { url = \"http://airflow.example:8080\", version = 2, credentials-file = airflow.properties } }\n");
    put("/conf/bad.conf", "lakemill {\n  dags { retries = -1 }\n}\n");

    Environment prod = EnvironmentLoader.load(root + "/conf", "prod", files);

    assertThat(prod.lakehouseRoot()).isEqualTo("hdfs:///lake");
    assertThat(prod.dags().retries()).isEqualTo(2);
    // The Airflow settings come from the same folder; a relative credentials file is a local file.
    AirflowSettings airflow = AirflowSettings.load(root + "/conf", "prod", Map.of(), files);
    assertThat(airflow.url()).hasToString("http://airflow.example:8080");
    assertThat(airflow.version()).isEqualTo(AirflowVersion.AIRFLOW_2);
    assertThat(airflow.credentialsFile()).isEqualTo(Path.of("airflow.properties"));
    assertThat(catchThrowableOfType(PipelineConfigException.class,
        () -> EnvironmentLoader.load(root + "/conf", "bad", files)).getMessage())
        .isEqualTo(root + "/conf/bad.conf: 2: lakemill.dags.retries: Cannot use retries -1: must be >= 0");
  }

  @Test
  void aDeltaTableOnHdfsIsReadWithoutSparkThroughHadoop() throws IOException {
    String table = root + "/lake/numbers";
    spark.range(3).selectExpr("id", "concat('n', id) AS name").write().format("delta").save(table);
    Configuration conf = cluster.getConfiguration(0);
    dev.lakemill.delta.DeltaIO.Damaged damaged = (latest, cause) ->
        dev.lakemill.delta.TableErrors.damaged("table", table, latest, cause);

    var rows = dev.lakemill.delta.KernelTables.of(conf).rows(table, java.util.List.of("id", "name"), damaged);

    assertThat(rows).hasValueSatisfying(r -> {
      assertThat(r.version()).isZero();
      assertThat(r.rows()).extracting(row -> row.get("name")).containsExactlyInAnyOrder("n0", "n1", "n2");
    });
    Storage storage = Storage.of(conf);
    assertThat(storage.isLocal(table)).isFalse();
    assertThat(storage.list(table + "/_delta_log")).extracting(Storage.Entry::name)
        .contains("00000000000000000000.json");
    assertThat(storage.filesUnder(table)).extracting(Storage.Entry::path)
        .allMatch(path -> path.startsWith(root + "/lake/numbers/"))
        .anyMatch(path -> path.endsWith(".parquet"));
    // Copies of what was read are kept beside local tables only: nothing is written to a remote lakehouse by a read.
    assertThat(storage.exists(table + "/_lakemill_rows")).isFalse();
  }
}
