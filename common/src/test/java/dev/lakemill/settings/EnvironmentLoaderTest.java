package dev.lakemill.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakemill.error.PipelineConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentLoaderTest {
  @TempDir Path conf;

  private Environment load(String lease) throws IOException {
    Files.writeString(conf.resolve("application.conf"), "lakemill {\n  lakehouse-root = /lh\n" + lease + "}\n");
    Files.writeString(conf.resolve("local.conf"), "lakemill.spark.master = \"local[1]\"\n");
    return EnvironmentLoader.load(conf, "local");
  }

  @Test
  void leaseSettingsDefaultWhenAbsentAndAreReadWhenGiven() throws IOException {
    assertThat(load("").lease()).isEqualTo(LeaseSettings.DEFAULTS);
    assertThat(LeaseSettings.DEFAULTS).isEqualTo(new LeaseSettings(Duration.ofSeconds(30), Duration.ofSeconds(5),
        LeaseSettings.OnBusy.WAIT, Duration.ofHours(1)));

    Environment env = load("  lease { ttl = 10s, heartbeat = 2s, on-busy = fail, wait-timeout = 5m }\n");

    assertThat(env.lease()).isEqualTo(new LeaseSettings(Duration.ofSeconds(10), Duration.ofSeconds(2),
        LeaseSettings.OnBusy.FAIL, Duration.ofMinutes(5)));
    assertThat(env.withLakehouseRoot("/other").lease()).isEqualTo(env.lease());
  }

  @Test
  void dagDeploymentIsSharedOrShipWithAConfFolder() throws IOException {
    String file = conf.resolve("application.conf").toString();

    assertThat(load("").dags().deploy()).isEqualTo(DagSettings.SHARED);
    assertThat(load("  dags { deploy = ship, conf-dir = \"hdfs://nn:8020/conf\" }\n").dags())
        .extracting(DagSettings::deploy, DagSettings::confDir).containsExactly("ship", "hdfs://nn:8020/conf");
    assertThatThrownBy(() -> load("  dags {\n    deploy = shipped\n  }\n"))
        .isInstanceOf(PipelineConfigException.class)
        .hasMessage(file + ": 4: lakemill.dags.deploy: Unknown lakemill.dags.deploy value 'shipped'; use"
            + " shared (the driver reads the pipeline file where it is deployed) or ship (spark-submit"
            + " ships it with the task)");
  }

  @Test
  void shippedConfigHasTheDefaults() {
    assertThat(EnvironmentLoader.load(Path.of("../conf"), "local").lease()).isEqualTo(LeaseSettings.DEFAULTS);
  }

  @Test
  void badLeaseSettingsNameTheKeyTheLineAndTheFix() {
    String file = conf.resolve("application.conf").toString();

    assertThatThrownBy(() -> load("  lease {\n    on-busy = wiat\n  }\n"))
        .isInstanceOf(PipelineConfigException.class)
        .hasMessage(file + ": 4: lakemill.lease.on-busy: Unknown lease.on-busy value 'wiat'; did you mean 'wait'?");
    assertThatThrownBy(() -> load("  lease {\n    ttl = 4s\n    heartbeat = 3s\n  }\n"))
        .isInstanceOf(PipelineConfigException.class)
        .hasMessage(file + ": 3: lakemill.lease: Cannot use lease.ttl 4s with lease.heartbeat 3s: ttl must be at least"
            + " twice the heartbeat, or a live run's lease could expire between two heartbeats (e.g. ttl = 30s,"
            + " heartbeat = 5s)");
    assertThatThrownBy(() -> load("  lease { heartbeat = 0s }\n"))
        .isInstanceOf(PipelineConfigException.class)
        .hasMessage(file + ": 3: lakemill.lease: Cannot use lease.heartbeat 0s: it must be positive");
    assertThatThrownBy(() -> load("  lease { wait-timeout = -1s }\n"))
        .isInstanceOf(PipelineConfigException.class)
        .hasMessage(file + ": 3: lakemill.lease: Cannot use lease.wait-timeout -1s: it must be >= 0");
    assertThatThrownBy(() -> load("  lease { ttl = soon }\n"))
        .isInstanceOf(PipelineConfigException.class)
        .hasMessageStartingWith(file + ": 3: ")
        .hasMessageContaining("ttl")
        .hasMessageEndingWith("Fix the environment config (keys: lakemill.lakehouse-root, lakemill.spark.master,"
            + " lakemill.spark.conf, lakemill.dags, lakemill.lease, lakemill.airflow)");
  }

  @Test
  void theSessionTimeZoneIsTheSparkSettingElseTheJvms() {
    Environment utc = new Environment("local", "/tmp/lh", "local[1]", java.util.Map.of("spark.sql.session.timeZone", "UTC"));
    Environment offset = new Environment("local", "/tmp/lh", "local[1]",
        java.util.Map.of("spark.sql.session.timeZone", " +01:00 "));

    assertThat(utc.sessionTimeZone()).isEqualTo(java.time.ZoneId.of("UTC"));
    assertThat(offset.sessionTimeZone()).isEqualTo(java.time.ZoneOffset.ofHours(1));
    assertThat(Environment.local("/tmp/lh").sessionTimeZone()).isEqualTo(java.time.ZoneId.systemDefault());
  }
}
