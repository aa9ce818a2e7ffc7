package dev.lakemill.jobs;

import dev.lakemill.LakemillVersion;
import dev.lakemill.error.Escapes;
import dev.lakemill.error.LakemillException;
import java.io.PrintStream;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code lakemill} command line, also the spark-submit main class. The one place that turns
 * exceptions into exit codes: 0 success, 1 a run failed, 2 an invalid pipeline, config or command
 * line, 3 damaged state (ledger, registry, lakehouse), 4 Airflow unreachable, 70 a lakemill bug.
 * A {@link LakemillException} prints its message; anything else is a bug and prints one line. The
 * stack trace goes to the log (logger {@code dev.lakemill.jobs.Lakemill}), and to the terminal with
 * {@code --debug} or {@code LAKEMILL_DEBUG=1}.
 */
@Command(
    name = "lakemill",
    // Inherited: every command and subcommand answers -h/--help and -V/--version, as usage errors promise.
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = Lakemill.Version.class,
    description = "Declarative batch pipelines on Apache Spark and Delta Lake.")
public final class Lakemill {
  /**
   * The commands, in the order help lists them. Added by {@link #commandLine(Map, String...)}: all of them, or
   * only the one named on the command line, since building each command's model costs picocli time every
   * invocation would pay.
   */
  private static final java.util.List<Class<?>> COMMANDS = java.util.List.of(ValidateCommand.class, PlanCommand.class,
      RunCommand.class, BackfillCommand.class, HistoryCommand.class, ModelsCommand.class, ReproduceCommand.class,
      VacuumCommand.class, DoctorCommand.class, DagsCommand.class, AirflowCommand.class, DriftCommand.class);

  public static final int OK = 0;
  public static final int RUN_FAILED = LakemillException.Kind.RUN_FAILED.exitCode();
  public static final int INVALID = LakemillException.Kind.INVALID_INPUT.exitCode();
  public static final int DAMAGED = LakemillException.Kind.DAMAGED_STATE.exitCode();
  public static final int UNREACHABLE = LakemillException.Kind.EXTERNAL_SERVICE.exitCode();
  public static final int INTERNAL = LakemillException.Kind.INTERNAL.exitCode();
  /** Set to {@code 1} to print stack traces, like {@code --debug}. */
  public static final String DEBUG_VARIABLE = "LAKEMILL_DEBUG";

  @Option(names = "--debug", scope = ScopeType.INHERIT,
      description = "Print the stack trace of an error (also: environment variable LAKEMILL_DEBUG=1).")
  boolean debug;

  /** When {@link #main} started (epoch millis), 0 when lakemill was not started through it; for run --profile. */
  private static volatile long mainStarted;

  public static void main(String[] args) {
    mainStarted = System.currentTimeMillis();
    System.exit(execute(args));
  }

  static long mainStartedMillis() {
    return mainStarted;
  }

  /** Runs the command line and returns its exit code (tests call this instead of main). */
  public static int execute(String... args) {
    return execute(System.getenv(), args);
  }

  static int execute(Map<String, String> environment, String... args) {
    return commandLine(environment, args).execute(args);
  }

  /** The command line with all its commands and its exception handling; {@code environment} holds {@code LAKEMILL_DEBUG}. */
  static CommandLine commandLine(Map<String, String> environment) {
    return commandLine(environment, new String[0]);
  }

  /**
   * {@link #commandLine(Map)} for {@code arguments}: when they name a command (the first argument that is not an
   * option; the root's options take no values), only that command is added, else all of them (for the root's
   * help, and the did-you-mean of a misspelt name).
   */
  static CommandLine commandLine(Map<String, String> environment, String... arguments) {
    Lakemill root = new Lakemill();
    CommandLine cli = new CommandLine(root);
    String named = java.util.Arrays.stream(arguments).filter(a -> !a.startsWith("-")).findFirst().orElse(null);
    java.util.List<Class<?>> only = COMMANDS.stream().filter(c -> names(c).contains(named)).toList();
    for (Class<?> command : only.isEmpty() ? COMMANDS : only) {
      cli.addSubcommand(command);
    }
    boolean debugByEnvironment = "1".equals(environment.get(DEBUG_VARIABLE));
    cli.setExecutionExceptionHandler((e, command, parsed) -> report(e, root.debug || debugByEnvironment, System.err));
    cli.setExitCodeExceptionMapper(Lakemill::exitCode);
    cli.setParameterExceptionHandler((e, args) -> usageError(e, System.err));
    return cli;
  }

  /**
   * A command line picocli cannot parse: its message (arguments escaped), a did-you-mean when there is one,
   * and where the help is; exit code 2.
   */
  static int usageError(CommandLine.ParameterException e, PrintStream err) {
    err.println(Escapes.controls(e.getMessage()));
    java.io.StringWriter suggestions = new java.io.StringWriter();
    CommandLine.UnmatchedArgumentException.printSuggestions(e, new java.io.PrintWriter(suggestions, true));
    if (!suggestions.toString().isEmpty()) {
      err.print(Escapes.controls(suggestions.toString()));
    }
    err.println("See '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for the options.");
    return INVALID;
  }

  /** Prints {@code e} as the user should see it and returns its exit code. */
  static int report(Exception e, boolean debug, PrintStream err) {
    // Messages quote file names, params and file contents: their control characters are escaped here, once.
    if (e instanceof LakemillException known) {
      err.println(Escapes.controls(known.getMessage()));
      log().debug("{} (exit code {})", known.kind(), known.exitCode(), known);
    } else {
      err.println(Escapes.controls("lakemill: internal error: " + e.getClass().getName() + (e.getMessage() == null
          ? "" : ": " + e.getMessage().strip().lines().findFirst().orElse("")) + ". This is a bug in lakemill; rerun"
          + " with --debug for the stack trace and report it"));
      log().error("Internal error", e);
    }
    if (debug) {
      e.printStackTrace(err);
    }
    return exitCode(e);
  }

  /**
   * The logger, looked up only when an error is reported: starting the logging framework costs about
   * half a second, which a successful {@code validate} need not pay.
   */
  private static Logger log() {
    return LoggerFactory.getLogger(Lakemill.class);
  }

  private static java.util.List<String> names(Class<?> command) {
    Command c = command.getAnnotation(Command.class);
    java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of(c.aliases()));
    names.add(c.name());
    return names;
  }

  static int exitCode(Throwable e) {
    if (e instanceof CommandLine.ParameterException) {
      return INVALID;
    }
    return e instanceof LakemillException known ? known.exitCode() : INTERNAL;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"lakemill " + LakemillVersion.get()};
    }
  }
}
