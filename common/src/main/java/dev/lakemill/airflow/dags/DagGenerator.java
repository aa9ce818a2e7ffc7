package dev.lakemill.airflow.dags;

import dev.lakemill.LakemillVersion;
import dev.lakemill.airflow.rest.AirflowIds;
import dev.lakemill.airflow.rest.AssetUris;
import dev.lakemill.load.Locations;
import dev.lakemill.plan.FeaturesStepPlan;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.plan.SqlStepPlan;
import dev.lakemill.plan.StepPlan;
import dev.lakemill.plan.ValidateStepPlan;
import dev.lakemill.settings.AirflowVersion;
import dev.lakemill.settings.DagSettings;
import dev.lakemill.spec.PipelineInfo;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Writes one Airflow DAG file per compiled pipeline: one {@code SparkSubmitOperator} per step running
 * {@code lakemill run <file> --steps <step> --run-id {{ run_id }}}, wired exactly as the plan's step
 * dependencies. The steps of one DAG run share Airflow's run_id, so each step reads what its upstream
 * steps wrote in the same run. Output is deterministic: the same inputs give the same bytes.
 */
public final class DagGenerator {
  /** The main class of the lakemill jobs jar. */
  public static final String MAIN_CLASS = "dev.lakemill.jobs.Lakemill";

  /** The param whose Airflow default is the run's logical date rather than the file's value. */
  public static final String RUN_DATE_PARAM = "run-date";

  /** Spark settings every task submits so the session reads and writes Delta tables. */
  public static final Map<String, String> DELTA_CONF = Map.of(
      "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension",
      "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");

  /** A fixed start date: new DAGs start paused and catchup is off, so the date only has to lie in the past. */
  static final String START_DATE = "datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)";

  /** The first line of every DAG file: Python reads the file as UTF-8 whatever follows. */
  public static final String CODING_LINE = "# -*- coding: utf-8 -*-";

  private static final String PIPELINE_FILE_COMMENT = "# Pipeline file: ";
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./+@,-]*");

  private final DagSettings settings;
  private final AirflowVersion airflow;

  /** A generated DAG file: its dag_id, file name ({@code <dag_id>.py}) and Python source. */
  /**
   * A generated DAG file.
   *
   * @param dagId the DAG's id
   * @param fileName {@code <dag_id>.py}
   * @param source the Python source
   * @param outlets the asset URIs its tasks declare as outlets (see {@link #assetUri})
   */
  public record DagFile(String dagId, String fileName, String source, Set<String> outlets) {
    public DagFile {
      outlets = Collections.unmodifiableSet(new TreeSet<>(outlets));
    }
  }

  /** @throws dev.lakemill.error.LakemillException when the settings lack the application jar or the pipelines folder */
  public DagGenerator(DagSettings settings, AirflowVersion airflow) {
    if (settings.applicationJar().isBlank()) {
      throw DagErrors.missingSetting("application-jar",
          "the lakemill-jobs jar as spark-submit on the Airflow worker sees it");
    }
    if (settings.pipelinesDir().isBlank()) {
      throw DagErrors.missingSetting("pipelines-dir",
          "the folder the pipeline files are deployed to, as the Spark driver sees it");
    }
    if (settings.deploy().equals(DagSettings.SHIP) && settings.confDir().isBlank()) {
      throw DagErrors.missingSetting("conf-dir", "the conf folder as spark-submit on the Airflow worker sees it"
          + " (deploy = ship ships its application.conf and " + settings.env() + ".conf with every task)");
    }
    this.settings = settings;
    this.airflow = airflow;
  }

  /** Hex SHA-256 of the pipeline file's bytes: the fingerprint in the file's header. */
  public static String fingerprint(byte[] pipelineFile) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pipelineFile));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * @param info the pipeline block: dag_id, schedule, owner, tags and description
   * @param plan the compiled pipeline: steps in execution order and their dependencies
   * @param pipelineFile the bytes of the pipeline file, for the fingerprint
   */
  public DagFile generate(PipelineInfo info, PipelinePlan plan, byte[] pipelineFile) {
    return generate(info, plan, pipelineFile, List.of());
  }

  /**
   * @param includes the files the pipeline file includes, relative to its folder, in the order read:
   *     shipped with it under {@code deploy = ship}
   * @throws dev.lakemill.error.LakemillException under {@code deploy = ship}, for an include that cannot
   *     be shipped (in a subfolder, or named like the pipeline file or a conf file)
   */
  public DagFile generate(PipelineInfo info, PipelinePlan plan, byte[] pipelineFile, List<String> includes) {
    String dagId = AirflowIds.dagId(info.name());
    String fileName = Locations.fileName(plan.file());
    boolean ship = settings.deploy().equals(DagSettings.SHIP);
    if (ship) {
      shippable(plan.file(), fileName, includes);
    }
    StringBuilder py = new StringBuilder();
    header(py, plan.file(), fingerprint(pipelineFile));
    py.append("import datetime\n\n")
        .append("from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator\n")
        .append(airflow.dagImport()).append('\n')
        .append(plan.params().isEmpty() ? "" : paramImport() + "\n");
    Map<String, List<String>> outlets = outlets(plan);
    if (!outlets.isEmpty() || !info.onUpdate().isEmpty()) {
      py.append(assetImport(info.onUpdate().size() > 1)).append('\n');
    }
    py.append('\n')
        .append("PIPELINE_FILE = ").append(templated(ship ? fileName : deployed(fileName))).append('\n');
    if (ship) {
      List<String> shipped = new ArrayList<>();
      shipped.add(deployed(fileName));
      includes.forEach(i -> shipped.add(deployed(i)));
      shipped.add(confFile("application.conf"));
      shipped.add(confFile(settings.env() + ".conf"));
      py.append("# deploy = ship: spark-submit ships these files; the driver finds them by base name in its working"
          + " directory\n").append("FILES = ").append(templated(String.join(",", shipped))).append('\n');
    }
    py
        .append("SPARK_CONF = ").append(multiLineDict(sparkConf())).append('\n');
    if (!outlets.isEmpty()) {
      py.append("OUTLETS = {\n");
      outlets.forEach((step, uris) -> py.append("    ").append(PythonLiterals.string(step)).append(": [")
          .append(String.join(", ", uris.stream().map(this::asset).toList())).append("],\n"));
      py.append("}\n");
    }
    py.append("\n\n");
    Map<String, String> params = new TreeMap<>(plan.params());
    task(py, dagId, params, !outlets.isEmpty(), ship);
    dag(py, dagId, info, params);
    Set<String> folded = folded(plan);
    List<String> steps = plan.steps().stream().map(StepPlan::name).filter(s -> !folded.contains(s)).toList();
    if (!folded.isEmpty()) {
      py.append("    # View-only steps without a task: each reader's task computes them (lakemill run --steps does): ")
          .append(comment(String.join(", ", plan.steps().stream().map(StepPlan::name).filter(folded::contains)
              .toList()))).append('\n');
    }
    py.append("    tasks = {step: lakemill_step(step) for step in ").append(PythonLiterals.of(steps)).append("}\n");
    for (StepPlan step : plan.steps()) {
      if (folded.contains(step.name())) {
        continue;
      }
      Set<String> upstreams = taskUpstreams(plan, step, folded);
      for (String upstream : steps) {
        if (upstreams.contains(upstream)) {
          py.append("    tasks[").append(PythonLiterals.string(upstream)).append("] >> tasks[")
              .append(PythonLiterals.string(step.name())).append("]\n");
        }
      }
    }
    Set<String> declared = new TreeSet<>();
    outlets.values().forEach(declared::addAll);
    return new DagFile(dagId, dagId + ".py", py.toString(), declared);
  }

  /**
   * The view-only steps (sql or features steps without an output table) that some other step reads.
   * A view lives only in the Spark application that computes it, so a task of its own would compute it
   * and drop it; every reader's task computes it again anyway ({@code lakemill run --steps} adds the
   * views a selected step reads). A view that nothing reads keeps its task: that task is where its
   * expectations run and where a failure shows.
   */
  static Set<String> folded(PipelinePlan plan) {
    Set<String> read = new TreeSet<>();
    plan.steps().forEach(s -> read.addAll(s.inputs()));
    Set<String> folded = new TreeSet<>();
    for (StepPlan step : plan.steps()) {
      if (step.isView() && (step instanceof SqlStepPlan || step instanceof FeaturesStepPlan)
          && read.contains(step.name())) {
        folded.add(step.name());
      }
    }
    return folded;
  }

  /**
   * The tasks {@code step}'s task waits for: its upstreams' tasks ({@link PipelinePlan#upstreams}: the steps it
   * reads and the writers of the tables its delta sources read), through folded views to their upstreams.
   */
  private static Set<String> taskUpstreams(PipelinePlan plan, StepPlan step, Set<String> folded) {
    Set<String> out = new TreeSet<>();
    java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>(plan.upstreams(step));
    Set<String> seen = new TreeSet<>();
    while (!queue.isEmpty()) {
      String input = queue.poll();
      if (!seen.add(input)) {
        continue;
      }
      if (folded.contains(input)) {
        plan.step(input).ifPresent(view -> queue.addAll(plan.upstreams(view)));
      } else {
        out.add(input);
      }
    }
    return out;
  }

  /** Under {@code deploy = ship} every shipped file lands by base name in one folder: refuse what would clash. */
  private void shippable(String pipelineFile, String fileName, List<String> includes) {
    Set<String> taken = new TreeSet<>(List.of(fileName, "application.conf", settings.env() + ".conf"));
    for (String include : includes) {
      String base = Locations.fileName(include);
      if (!base.equals(include)) {
        throw DagErrors.cannotShip(pipelineFile, include, "it is in a subfolder, and shipped files land by base name"
            + " in the driver's working directory");
      }
      if (!taken.add(base)) {
        throw DagErrors.cannotShip(pipelineFile, include, "the pipeline file or a conf file has that name too");
      }
    }
  }

  private String confFile(String name) {
    String dir = settings.confDir();
    return dir.endsWith("/") ? dir + name : dir + "/" + name;
  }

  /**
   * The first line declares UTF-8, so no later line can change how Python decodes the file (only the
   * first two lines may, and the second holds no text from a pipeline file or the settings).
   */
  private void header(StringBuilder py, String file, String fingerprint) {
    py.append(CODING_LINE).append('\n')
        .append("# Generated by lakemill ").append(comment(LakemillVersion.get()))
        .append(". Do not edit: regenerate instead, edits are lost.\n")
        .append(PIPELINE_FILE_COMMENT).append(comment(file)).append('\n')
        .append("# Pipeline fingerprint: sha256:").append(fingerprint).append(" (SHA-256 of the pipeline file's bytes)\n")
        .append("# Regenerate: lakemill dags generate ").append(comment(file)).append(" --out DIR --airflow ")
        .append(airflow.major()).append("\n\n");
  }

  /**
   * One {@code --param name=<template>} per declared param, rendered from the run's {@code params}
   * (the DAG's defaults overlaid with the trigger's conf): Jinja prints the value as data, so a value
   * holding template markers arrives as that text.
   */
  private void task(StringBuilder py, String dagId, Map<String, String> params, boolean outlets, boolean ship) {
    List<String> args = new ArrayList<>();
    params.forEach((name, value) -> {
      args.add("--param");
      args.add(JinjaLiterals.text(name) + "=" + DagParams.template(name, value, airflow));
    });
    if (ship || !settings.confDir().isBlank()) {
      args.add("--conf");
      args.add(ship ? "." : JinjaLiterals.text(settings.confDir()));
    }
    args.add("--env");
    args.add(JinjaLiterals.text(settings.env()));
    py.append("def lakemill_step(step):\n")
        .append("    \"\"\"spark-submit of `lakemill run` for one step; the steps of a DAG run share its run_id.\"\"\"\n")
        .append("    return SparkSubmitOperator(\n")
        .append("        task_id=step,\n")
        .append("        name=").append(templated("lakemill-" + dagId + "-")).append(" + step,\n")
        .append("        conn_id=").append(PythonLiterals.string(settings.connId())).append(",\n")
        .append("        application=").append(templated(settings.applicationJar())).append(",\n")
        .append("        java_class=").append(PythonLiterals.string(MAIN_CLASS)).append(",\n")
        .append("        application_args=[\"run\", PIPELINE_FILE, \"--steps\", step, \"--run-id\", \"{{ run_id }}\", ")
        .append(String.join(", ", args.stream().map(PythonLiterals::string).toList())).append("],\n")
        .append("        conf=dict(SPARK_CONF),\n");
    if (ship) {
      py.append("        files=FILES,\n");
    }
    if (outlets) {
      py.append("        outlets=OUTLETS.get(step, []),\n");
    }
    if (!settings.jars().isEmpty()) {
      py.append("        jars=").append(templated(String.join(",", settings.jars()))).append(",\n");
    }
    if (!settings.packages().isEmpty()) {
      py.append("        packages=").append(templated(String.join(",", settings.packages()))).append(",\n");
    }
    if (!settings.envVars().isEmpty()) {
      py.append("        env_vars=").append(templatedValues(settings.envVars())).append(",\n");
    }
    py.append("    )\n\n\n");
  }

  private void dag(StringBuilder py, String dagId, PipelineInfo info, Map<String, String> params) {
    py.append("with DAG(\n")
        .append("    dag_id=").append(PythonLiterals.string(dagId)).append(",\n");
    if (!info.description().isEmpty()) {
      py.append("    description=").append(PythonLiterals.string(info.description())).append(",\n");
    }
    Map<String, String> defaultArgs = new LinkedHashMap<>();
    if (!info.owner().isEmpty()) {
      defaultArgs.put("owner", PythonLiterals.string(info.owner()));
    }
    defaultArgs.put("retries", Integer.toString(settings.retries()));
    defaultArgs.put("retry_delay", "datetime.timedelta(minutes=" + settings.retryDelayMinutes() + ")");
    py.append("    schedule=").append(schedule(info)).append(",\n")
        .append("    start_date=").append(START_DATE).append(",\n")
        .append("    catchup=False,\n")
        .append("    max_active_runs=1,\n")
        .append("    tags=").append(PythonLiterals.of(List.copyOf(new TreeSet<>(info.tags())))).append(",\n");
    if (!params.isEmpty()) {
      py.append("    params={\n");
      params.forEach((name, value) -> py.append("        ").append(PythonLiterals.string(name)).append(": ")
          .append(DagParams.param(name, value)).append(",\n"));
      py.append("    },\n");
    }
    py.append("    default_args={\n");
    defaultArgs.forEach((k, v) -> py.append("        ").append(PythonLiterals.string(k)).append(": ").append(v)
        .append(",\n"));
    py.append("    },\n) as dag:\n");
  }

  /** The Delta settings overlaid with {@code spark-conf}, sorted by key. */
  private Map<String, String> sparkConf() {
    Map<String, String> conf = new TreeMap<>(DELTA_CONF);
    conf.putAll(settings.sparkConf());
    return conf;
  }

  /**
   * The URI of the Airflow asset (Dataset on Airflow 2) that stands for a lakehouse table or a model
   * alias of this environment ({@link AssetUris}), where the environment is the {@code env} the tasks
   * run with.
   *
   * @param tableOrAlias {@code schema.table} or {@code model@alias}
   */
  public String assetUri(String tableOrAlias) {
    return AssetUris.of(settings.env(), tableOrAlias);
  }

  /** Per step, in plan order, the assets it updates: its output table, or the alias a validate step moves. */
  private Map<String, List<String>> outlets(PipelinePlan plan) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (StepPlan step : plan.steps()) {
      if (step.output() != null) {
        out.put(step.name(), List.of(assetUri(step.output().name())));
      } else if (step instanceof ValidateStepPlan validate && validate.promoteTo() != null) {
        out.put(step.name(), List.of(assetUri(validate.modelName() + "@" + validate.promoteTo())));
      }
    }
    return out;
  }

  /** A cron expression or preset; on-update: the one asset, or any of several; else None (manual runs). */
  private String schedule(PipelineInfo info) {
    if (!info.onUpdate().isEmpty()) {
      List<String> assets = info.onUpdate().stream().map(this::assetUri).map(this::asset).toList();
      return assets.size() == 1 ? "[" + assets.get(0) + "]"
          : (airflow == AirflowVersion.AIRFLOW_2 ? "DatasetAny(" : "AssetAny(") + String.join(", ", assets) + ")";
    }
    return info.schedule().isEmpty() ? "None" : PythonLiterals.string(info.schedule());
  }

  private String asset(String uri) {
    return (airflow == AirflowVersion.AIRFLOW_2 ? "Dataset(" : "Asset(") + PythonLiterals.string(uri) + ")";
  }

  private String assetImport(boolean any) {
    return airflow == AirflowVersion.AIRFLOW_2
        ? "from airflow.datasets import Dataset" + (any ? ", DatasetAny" : "")
        : "from airflow.sdk import Asset" + (any ? ", AssetAny" : "");
  }

  private String paramImport() {
    return airflow == AirflowVersion.AIRFLOW_2 ? "from airflow.models.param import Param" : "from airflow.sdk import Param";
  }

  private String deployed(String fileName) {
    String dir = settings.pipelinesDir();
    return dir.endsWith("/") ? dir + fileName : dir + "/" + fileName;
  }

  private static String multiLineDict(Map<String, String> entries) {
    StringBuilder out = new StringBuilder("{\n");
    entries.forEach((k, v) -> out.append("    ").append(PythonLiterals.string(k)).append(": ")
        .append(templated(v)).append(",\n"));
    return out.append('}').toString();
  }

  /** A Python string literal of template text that Airflow renders as exactly {@code text}. */
  private static String templated(String text) {
    return PythonLiterals.string(JinjaLiterals.text(text));
  }

  /** A dict literal whose values Airflow renders as exactly the given texts (keys are not rendered). */
  private static String templatedValues(Map<String, String> entries) {
    Map<String, String> values = new LinkedHashMap<>();
    entries.forEach((k, v) -> values.put(k, JinjaLiterals.text(v)));
    return PythonLiterals.of(values);
  }

  /**
   * The pipeline file a DAG file was generated from, as its header records it, or empty when the text
   * does not start with lakemill's header (a file someone else wrote). Reads headers of this version
   * and of earlier ones, which had no encoding line.
   */
  public static Optional<String> generatedFrom(String dagFile) {
    List<String> lines = dagFile.lines().limit(4).toList();
    int generated = lines.size() > 1 && lines.get(0).equals(CODING_LINE) ? 1 : 0;
    if (lines.size() < generated + 2 || !lines.get(generated).startsWith("# Generated by lakemill ")
        || !lines.get(generated + 1).startsWith(PIPELINE_FILE_COMMENT)) {
      return Optional.empty();
    }
    String recorded = lines.get(generated + 1).substring(PIPELINE_FILE_COMMENT.length());
    return recorded.startsWith("\"") ? PythonLiterals.parseString(recorded) : Optional.of(recorded);
  }

  /**
   * Text for a comment line: as it is when it holds only characters of plain paths and versions,
   * else as a Python string literal, whose escapes leave no line break, control or quote-like
   * character in the comment.
   */
  static String comment(String text) {
    return PLAIN.matcher(text).matches() ? text : PythonLiterals.string(text);
  }
}
