package dev.lakemill.jobs;

import dev.lakemill.airflow.dags.DagErrors;
import dev.lakemill.airflow.dags.DagGenerator;
import dev.lakemill.check.Checks;
import dev.lakemill.compile.Compiler;
import dev.lakemill.error.LakemillException;
import dev.lakemill.fs.LocalFiles;
import dev.lakemill.load.PipelineConfigLoader;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.settings.AirflowVersion;
import dev.lakemill.settings.Environment;
import dev.lakemill.settings.EnvironmentLoader;
import dev.lakemill.spec.PipelineSpec;
import dev.lakemill.spec.SourceLocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakemill dags ...}: Airflow DAG files for pipelines. */
@Command(name = "dags", description = "Airflow DAGs for pipelines.", subcommands = DagsCommand.Generate.class)
final class DagsCommand {
  /**
   * {@code lakemill dags generate DIR_OR_FILES... --out DIR}: validates every pipeline first and
   * writes nothing unless all are valid, so a deployment is never half updated. Each file is written
   * to a temporary {@code .tmp} file (which Airflow does not parse) and moved into place.
   */
  @Command(name = "generate", description = "Write one Airflow DAG file per pipeline file; nothing when any is invalid.")
  static final class Generate implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DIR_OR_FILE",
        description = "Pipeline files, or folders whose *.conf files are pipeline files.")
    List<Path> inputs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the DAG files.")
    Path out;

    @Option(names = "--airflow", defaultValue = "3", paramLabel = "2|3",
        description = "Airflow major version (default: ${DEFAULT-VALUE}).")
    String airflow;

    @Option(names = "--env", defaultValue = "cluster",
        description = "Environment overlay holding the lakemill.dags settings (default: ${DEFAULT-VALUE}).")
    String env;

    @Option(names = "--dry-run",
        description = "Print what would be written and removed; change nothing.")
    boolean dryRun;

    @Option(names = "--conf", paramLabel = "DIR",
        description = "Folder with application.conf and <env>.conf (default: $LAKEMILL_CONF, else ./conf).")
    Path conf;

    @Override
    public Integer call() {
      AirflowVersion version = AirflowVersion.parse(airflow);
      Environment environment = EnvironmentLoader.load(Path.of(PipelineOptions.confLocation(conf == null ? null : conf.toString())), env);
      DagGenerator generator = new DagGenerator(environment.dags(), version);
      List<Path> files = pipelineFiles();
      List<String> errors = new ArrayList<>();
      Map<Path, DagGenerator.DagFile> dags = new LinkedHashMap<>();
      Map<Path, PipelineSpec> specs = new LinkedHashMap<>();
      Compiler compiler = Checks.compiler();
      for (Path file : files) {
        try {
          PipelineSpec spec = compiler.validate(file, Map.of());
          PipelinePlan plan = compiler.compile(spec, environment);
          Path folder = file.toAbsolutePath().normalize().getParent();
          List<String> includes = PipelineConfigLoader.includes(file).stream()
              .map(i -> folder.relativize(i).toString()).toList();
          dags.put(file, generator.generate(spec.info(), plan, PipelineConfigLoader.contents(file), includes));
          specs.put(file, spec);
        } catch (LakemillException e) {
          errors.add(e.getMessage());
        } catch (IOException e) {
          errors.add(file + ": Cannot read the pipeline file: " + e.getMessage());
        }
      }
      errors.addAll(clashes(dags));
      if (!errors.isEmpty()) {
        errors.forEach(System.err::println);
        System.err.println("No DAG file written: fix the problems above (" + files.size() + " pipeline files)");
        return Lakemill.INVALID;
      }
      try {
        if (!dryRun) {
          Files.createDirectories(out);
        }
        for (Map.Entry<Path, DagGenerator.DagFile> e : dags.entrySet()) {
          DagGenerator.DagFile dag = e.getValue();
          Path target = out.resolve(dag.fileName());
          boolean changed = !unchanged(target, dag.source());
          if (changed && !dryRun) {
            LocalFiles.writeAtomically(target, dag.source().getBytes(StandardCharsets.UTF_8));
          }
          System.out.println(target + ": dag " + dag.dagId() + " from " + e.getKey()
              + (!changed ? " (unchanged)" : dryRun ? " (would write)" : " (written)"));
        }
        for (Map.Entry<Path, String> stale : stale(dags).entrySet()) {
          if (!dryRun) {
            Files.delete(stale.getKey());
          }
          System.out.println(stale.getKey() + ": " + (dryRun ? "would remove" : "removed") + ": generated by lakemill"
              + " from " + stale.getValue() + ", which no longer exists");
        }
      } catch (IOException | UncheckedIOException e) {
        System.err.println("Cannot write DAG files to " + out + ": " + e.getMessage());
        return Lakemill.RUN_FAILED;
      }
      unproduced(generator, dags, specs).forEach(System.err::println);
      return Lakemill.OK;
    }

    /** Warnings for on-update entries that none of the generated DAGs declares as an outlet. */
    private static List<String> unproduced(DagGenerator generator, Map<Path, DagGenerator.DagFile> dags,
        Map<Path, PipelineSpec> specs) {
      Set<String> produced = new HashSet<>();
      dags.values().forEach(dag -> produced.addAll(dag.outlets()));
      List<String> warnings = new ArrayList<>();
      specs.forEach((file, spec) -> {
        for (String entry : spec.info().onUpdate()) {
          String uri = generator.assetUri(entry);
          if (!produced.contains(uri)) {
            SourceLocation at = spec.at("pipeline.schedule.on-update", new SourceLocation(file.toString(), 0));
            warnings.add(DagErrors.unproducedAsset(at.toString(), dags.get(file).dagId(), entry, uri));
          }
        }
      });
      return warnings;
    }

    /** Files as given, folders expanded to their {@code *.conf} files in name order; no file twice. */
    private List<Path> pipelineFiles() {
      Set<Path> seen = new LinkedHashSet<>();
      List<Path> files = new ArrayList<>();
      for (Path input : inputs) {
        List<Path> expanded = List.of(input);
        if (Files.isDirectory(input)) {
          try (Stream<Path> listing = Files.list(input)) {
            expanded = listing.filter(p -> p.getFileName().toString().endsWith(".conf") && Files.isRegularFile(p))
                .sorted().toList();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          if (expanded.isEmpty()) {
            throw DagErrors.noPipelineFiles(input.toString());
          }
        }
        for (Path file : expanded) {
          if (seen.add(file.toAbsolutePath().normalize())) {
            files.add(file);
          }
        }
      }
      return files;
    }

    /** Two pipelines with one dag_id, or two pipeline files with one name (they share pipelines-dir). */
    private static List<String> clashes(Map<Path, DagGenerator.DagFile> dags) {
      Map<String, List<String>> byDagId = new LinkedHashMap<>();
      Map<String, List<String>> byFileName = new LinkedHashMap<>();
      dags.forEach((file, dag) -> {
        byDagId.computeIfAbsent(dag.dagId(), k -> new ArrayList<>()).add(file.toString());
        byFileName.computeIfAbsent(file.getFileName().toString(), k -> new ArrayList<>()).add(file.toString());
      });
      List<String> errors = new ArrayList<>();
      byDagId.forEach((id, files) -> {
        if (files.size() > 1) {
          errors.add(DagErrors.sameDagId(id, files));
        }
      });
      byFileName.forEach((name, files) -> {
        if (files.size() > 1) {
          errors.add(DagErrors.sameFileName(name, files));
        }
      });
      return errors;
    }

    /** True when {@code target} already holds {@code text}. */
    private static boolean unchanged(Path target, String text) throws IOException {
      return Files.isRegularFile(target)
          && java.util.Arrays.equals(Files.readAllBytes(target), text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * DAG files in {@code --out} that lakemill generated (its header) from a pipeline file in one of the
     * given folders that no longer exists, and that this command does not write: file to pipeline file.
     */
    private Map<Path, String> stale(Map<Path, DagGenerator.DagFile> dags) throws IOException {
      Map<Path, String> stale = new TreeMap<>();
      if (!Files.isDirectory(out)) {
        return stale;
      }
      Set<Path> folders = new HashSet<>();
      inputs.stream().filter(Files::isDirectory).forEach(f -> folders.add(f.toAbsolutePath().normalize()));
      Set<String> written = new HashSet<>();
      dags.values().forEach(dag -> written.add(dag.fileName()));
      try (Stream<Path> listing = Files.list(out)) {
        for (Path file : listing.filter(p -> p.getFileName().toString().endsWith(".py")).toList()) {
          if (written.contains(file.getFileName().toString()) || !Files.isRegularFile(file)) {
            continue;
          }
          String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
          DagGenerator.generatedFrom(text).ifPresent(pipeline -> {
            try {
              Path source = Path.of(pipeline).toAbsolutePath().normalize();
              if (folders.contains(source.getParent()) && !Files.exists(source)) {
                stale.put(file, pipeline);
              }
            } catch (java.nio.file.InvalidPathException notAPath) {
              // not a path this system can hold: not one of the given folders' files
            }
          });
        }
      }
      return stale;
    }
  }
}
