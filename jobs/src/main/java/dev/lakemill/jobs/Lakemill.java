package dev.lakemill.jobs;

import dev.lakemill.LakemillVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code lakemill} command line, also the spark-submit main class. Exit codes: 0 success, 1 a
 * run failed, 2 an invalid pipeline or command line, 4 Airflow unreachable.
 */
@Command(
    name = "lakemill",
    mixinStandardHelpOptions = true,
    versionProvider = Lakemill.Version.class,
    description = "Declarative batch pipelines on Apache Spark and Delta Lake.",
    subcommands = {ValidateCommand.class, PlanCommand.class, RunCommand.class, HistoryCommand.class, ModelsCommand.class,
        ReproduceCommand.class, VacuumCommand.class, DagsCommand.class, AirflowCommand.class, DriftCommand.class})
public final class Lakemill {
  public static final int OK = 0;
  public static final int RUN_FAILED = 1;
  public static final int INVALID = 2;
  public static final int UNREACHABLE = 4;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code (tests call this instead of main). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new Lakemill());
    cli.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? INVALID : RUN_FAILED);
    return cli.execute(args);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"lakemill " + LakemillVersion.get()};
    }
  }
}
