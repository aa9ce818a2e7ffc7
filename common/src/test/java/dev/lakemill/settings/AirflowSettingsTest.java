package dev.lakemill.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.lakemill.airflow.rest.AirflowIds;
import dev.lakemill.error.PipelineConfigException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lakemill.airflow block, credentials from the environment or a file, and ids. */
class AirflowSettingsTest {
  @TempDir Path dir;

  @Test
  void defaultsApplyWithoutAnAirflowBlock() {
    AirflowSettings s = AirflowSettings.from(ConfigFactory.empty(), dir);

    assertThat(s).isEqualTo(new AirflowSettings(URI.create("http://localhost:8080"), AirflowVersion.AIRFLOW_3, null,
        Duration.ofSeconds(10), Duration.ofSeconds(30), 4, Duration.ofSeconds(1), Duration.ofSeconds(30),
        Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofHours(2)));
  }

  @Test
  void theEnvironmentConfigIsReadAndTheCommandLineOverridesIt() throws IOException {
    Files.writeString(dir.resolve("application.conf"), """
        lakemill {
          lakehouse-root = ./lakehouse
          airflow { url = "http://airflow.internal:8080/", version = 2, credentials-file = airflow.properties }
        }
        """);
    Files.writeString(dir.resolve("prod.conf"), "lakemill.airflow.request-timeout = 45s\n");

    AirflowSettings fromFiles = AirflowSettings.load(dir, "prod", Map.of());
    AirflowSettings overridden = AirflowSettings.load(dir, "prod", Map.of("url", "https://af.example.com",
        "version", 3, "wait-timeout", "10m"));

    assertThat(fromFiles.url()).hasToString("http://airflow.internal:8080");
    assertThat(fromFiles.version()).isEqualTo(AirflowVersion.AIRFLOW_2);
    assertThat(fromFiles.credentialsFile()).isEqualTo(dir.resolve("airflow.properties"));
    assertThat(fromFiles.requestTimeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(overridden.url()).hasToString("https://af.example.com");
    assertThat(overridden.version()).isEqualTo(AirflowVersion.AIRFLOW_3);
    assertThat(overridden.waitTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(overridden.requestTimeout()).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void everyInvalidValueIsReportedWithFileAndLine() throws IOException {
    Path file = dir.resolve("application.conf");
    Files.writeString(file, """
        lakemill {
          lakehouse-root = ./lakehouse
          airflow {
            url = "localhost:8080/api/v2"
            version = 4
            max-attempts = 0
            request-timout = 10s
            backoff = soon
            wait-timeout = 0s
          }
        }
        """);
    Files.writeString(dir.resolve("local.conf"), "");

    assertThatThrownBy(() -> AirflowSettings.load(dir, "local", Map.of()))
        .isInstanceOf(PipelineConfigException.class)
        .hasMessage(file + ": 4: lakemill.airflow.url: Cannot use url 'localhost:8080/api/v2': give the root of the"
            + " Airflow API server (without /api/v1 or /api/v2), e.g. http://localhost:8080\n"
            + file + ": 5: lakemill.airflow.version: Cannot use Airflow version 4: use 2 (REST API /api/v1) or 3 (/api/v2)\n"
            + file + ": 6: lakemill.airflow.max-attempts: Cannot use max-attempts 0: use 1 (no retries) or more\n"
            + file + ": 7: lakemill.airflow.request-timout: Unknown key 'request-timout' in lakemill.airflow;"
            + " did you mean 'request-timeout'?\n"
            + file + ": 8: lakemill.airflow.backoff: Cannot use backoff = \"soon\": expected a duration such as 30s\n"
            + file + ": 9: lakemill.airflow.wait-timeout: Cannot use wait-timeout \"0s\": give a positive duration such as"
            + " 30s");
  }

  @Test
  void commandLineValuesAreCheckedToo() throws IOException {
    Files.writeString(dir.resolve("application.conf"), "lakemill.lakehouse-root = x\n");
    Files.writeString(dir.resolve("local.conf"), "");

    assertThatThrownBy(() -> AirflowSettings.load(dir, "local", Map.of("version", 1)))
        .hasMessage("command line: lakemill.airflow.version: Cannot use Airflow version 1: use 2 (REST API /api/v1)"
            + " or 3 (/api/v2)");
    assertThatThrownBy(() -> AirflowSettings.load(dir, "local", Map.of("url", "http://admin:hunter2@af:8080")))
        .hasMessage("command line: lakemill.airflow.url: Cannot use credentials in url: remove 'user:password@' and give"
            + " them with AIRFLOW_USERNAME and AIRFLOW_PASSWORD or a credentials file");
    assertThatThrownBy(() -> AirflowSettings.duration("0s", "--timeout"))
        .hasMessage("Cannot use --timeout '0s': give a positive duration such as 30s, 10m or 2h");
    assertThat(AirflowSettings.duration("90s", "--timeout")).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void credentialsComeFromTheEnvironmentBeforeTheFile() throws IOException {
    Path file = dir.resolve("airflow.properties");
    Files.writeString(file, "username=etl\npassword=p#ss w=rd\n");

    AirflowCredentials token = AirflowCredentials.resolve(Map.of("AIRFLOW_TOKEN", "tok", "AIRFLOW_USERNAME", "u"), file);
    AirflowCredentials env = AirflowCredentials.resolve(Map.of("AIRFLOW_USERNAME", "u", "AIRFLOW_PASSWORD", "pw"), file);
    AirflowCredentials fromFile = AirflowCredentials.resolve(Map.of(), file);
    AirflowCredentials none = AirflowCredentials.resolve(Map.of(), null);

    assertThat(token.isToken()).isTrue();
    assertThat(token.secret()).isEqualTo("tok");
    assertThat(env.username()).isEqualTo("u");
    assertThat(env).hasToString("AirflowCredentials[username and password from environment variables AIRFLOW_USERNAME"
        + " and AIRFLOW_PASSWORD]");
    assertThat(fromFile.username()).isEqualTo("etl");
    assertThat(fromFile.secret()).isEqualTo("p#ss w=rd");
    assertThat(fromFile.toString()).doesNotContain("p#ss").contains(file.toString());
    assertThat(none.isNone()).isTrue();
  }

  @Test
  void badCredentialsAreExplainedWithoutTheSecret() throws IOException {
    Path hocon = dir.resolve("airflow.conf");
    Files.writeString(hocon, "username = etl\npassword = \"very-secret\n");
    Path half = dir.resolve("half.properties");
    Files.writeString(half, "password=very-secret\n");
    Path list = dir.resolve("list.conf");
    Files.writeString(list, "username = [a, b]\npassword = very-secret\n");

    assertThatThrownBy(() -> AirflowCredentials.resolve(Map.of("AIRFLOW_USERNAME", "u"), null))
        .hasMessage("environment: Missing AIRFLOW_PASSWORD: AIRFLOW_USERNAME is set; set both AIRFLOW_USERNAME and"
            + " AIRFLOW_PASSWORD, or AIRFLOW_TOKEN");
    assertThatThrownBy(() -> AirflowCredentials.fromFile(hocon))
        .hasMessage(hocon + ": 2: Cannot parse the Airflow credentials file: write username = ... and password = ..."
            + " lines (a .properties file takes the password unquoted)");
    assertThatThrownBy(() -> AirflowCredentials.fromFile(half))
        .hasMessage(half + ": Missing username in the Airflow credentials file: write username = ... and"
            + " password = ... (or token = ...)");
    assertThatThrownBy(() -> AirflowCredentials.fromFile(list))
        .hasMessage(list + ": Cannot use username in the Airflow credentials file: give it as text");
    assertThatThrownBy(() -> AirflowCredentials.fromFile(dir.resolve("absent.properties")))
        .hasMessage(dir.resolve("absent.properties") + ": Cannot read the Airflow credentials file: it does not exist"
            + " or is not a readable file; fix lakemill.airflow.credentials-file or --credentials-file");
  }

  @Test
  void dagIdsAndRunIds() {
    assertThat(AirflowIds.dagId("churn prep/v2")).isEqualTo("churn_prep_v2");
    assertThat(AirflowIds.dagId("churn-prep.daily_1")).isEqualTo("churn-prep.daily_1");
    assertThat(AirflowIds.checkRunId("lakemill__20261126T213302Z_1a2b3c4d")).isNotNull();
    for (String bad : new String[] {"scheduled__2026", "backfill__x", "a..b", "a/b", "it's", ""}) {
      assertThatThrownBy(() -> AirflowIds.checkRunId(bad))
          .as(bad)
          .hasMessage("Cannot use run id '" + bad + "': use letters, digits and _ . ~ : + -, without '..' and without"
              + " the prefixes scheduled__ and backfill__ (at most 250 characters)");
    }
  }
}
