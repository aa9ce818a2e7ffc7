package dev.lakemill.jobs;

import dev.lakemill.airflow.rest.AirflowAssetEvents;
import dev.lakemill.compile.PipelineCompiler;
import dev.lakemill.delta.KernelTables;
import dev.lakemill.engine.SparkSessions;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.registry.ModelLifecycle;
import dev.lakemill.registry.ModelRegistry;
import dev.lakemill.settings.Environment;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakemill models}: inspect the model registry, and move aliases and archive versions by hand. */
@Command(
    name = "models",
    description = "List, inspect, promote, roll back and archive registered models.",
    subcommands = {ModelsCommand.ListModels.class, ModelsCommand.Show.class, ModelsCommand.History.class,
        ModelsCommand.Promote.class, ModelsCommand.Rollback.class, ModelsCommand.AsOf.class,
        ModelsCommand.Archive.class, ModelsCommand.Unarchive.class})
final class ModelsCommand {
  private static final String CHAMPION = "champion";

  /**
   * Loads the environment and opens the registry at {@code <lakehouse root>/_lakemill}: read through Delta
   * Kernel without Spark for the commands that only read ({@link ReadSubcommand}), in its own SparkSession
   * (stopped at the end) for those that move aliases. Errors go to {@link Lakemill}, which prints them.
   */
  abstract static class Subcommand implements Callable<Integer> {
    @Mixin
    PipelineOptions options;

    /** Checks that need no Spark, run before the session starts. */
    void check() {}

    /** Prints the result and returns the exit code. */
    abstract int run(ModelRegistry registry);

    @Override
    public Integer call() {
      if (this instanceof ReadSubcommand) {
        KernelTables.warmUp();
      }
      Environment env = options.environment();
      check();
      String location = PipelineCompiler.resolveRoot(env.lakehouseRoot()) + "/" + PipelinePlan.LEDGER_FOLDER;
      if (this instanceof ReadSubcommand) {
        return run(new ModelRegistry(env, location));
      }
      SparkSession spark = SparkSessions.create(env, "lakemill models");
      try {
        return run(new ModelRegistry(spark, location));
      } finally {
        SparkSessions.stop(spark);
      }
    }

    static int print(String text) {
      System.out.print(text);
      return Lakemill.OK;
    }
  }

  /** A subcommand that only reads the registry, as text or {@code --format json}: it starts no SparkSession. */
  abstract static class ReadSubcommand extends Subcommand {
    @Mixin
    OutputFormat format;

    @Override
    void check() {
      format.json();
    }
  }

  /**
   * A subcommand that moves an alias: when Airflow is configured (credentials in the environment or the
   * credentials file), it posts an asset event for the alias after the move; a failure to post is a
   * warning, the move stands.
   */
  abstract static class AliasSubcommand extends Subcommand {
    private Optional<AirflowAssetEvents> events = Optional.empty();

    @Override
    void check() {
      events = AirflowAssetEvents.configured(options.confLocation(), options.env, System.getenv(),
            PipelineOptions.confFiles());
    }

    int announce(ModelsView.Moved moved, String action) {
      print(moved.text());
      ModelLifecycle.AliasMove m = moved.move();
      if (m.recorded()) {
        events.ifPresent(e -> System.out.println(e.aliasMoved(m.name(), m.alias(), m.from(), m.to(), action)));
      }
      return Lakemill.OK;
    }
  }

  @Command(name = "list",
      description = "One line per model: versions, latest, aliases now, archived versions.")
  static final class ListModels extends ReadSubcommand {
    @Override
    int run(ModelRegistry registry) {
      return print(format.json() ? Json.write(ModelsView.listJson(registry)) : ModelsView.list(registry));
    }
  }

  @Command(name = "show",
      description = "Everything recorded about one model version, its aliases and validations.")
  static final class Show extends ReadSubcommand {
    @Parameters(paramLabel = "MODEL", description = "NAME (its latest version), NAME@vN or NAME@ALIAS.")
    String model;

    @Override
    int run(ModelRegistry registry) {
      return print(format.json() ? Json.write(ModelsView.showJson(registry, model)) : ModelsView.show(registry, model));
    }
  }

  @Command(name = "history",
      description = "A model's versions and alias/archive events in time order.")
  static final class History extends ReadSubcommand {
    @Parameters(paramLabel = "NAME", description = "Model name.")
    String name;

    @Override
    int run(ModelRegistry registry) {
      return print(format.json() ? Json.write(ModelsView.historyJson(registry, name)) : ModelsView.history(registry, name));
    }
  }

  @Command(name = "promote",
      description = "Point an alias at a version (archived versions cannot be promoted); with Airflow configured,"
          + " post an asset event for lakemill://model/NAME@ALIAS (a failure to post is a warning).")
  static final class Promote extends AliasSubcommand {
    @Parameters(paramLabel = "MODEL@vN", description = "The version to promote, e.g. churn@v3.")
    String model;

    @Option(names = "--alias", required = true, description = "The alias to move, e.g. champion.")
    String alias;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, recorded with the event.")
    String reason;

    @Override
    int run(ModelRegistry registry) {
      return announce(ModelsView.promoted(registry, model, alias, reason, Instant.now()), "promote");
    }
  }

  @Command(name = "rollback",
      description = "Move an alias back to the version it pointed to before; posts an asset event as promote does.")
  static final class Rollback extends AliasSubcommand {
    @Parameters(paramLabel = "NAME", description = "Model name.")
    String name;

    @Option(names = "--alias", defaultValue = CHAMPION, description = "The alias (default: ${DEFAULT-VALUE}).")
    String alias;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, recorded with the event.")
    String reason;

    @Override
    int run(ModelRegistry registry) {
      return announce(ModelsView.rolledBack(registry, name, alias, reason, Instant.now()), "rollback");
    }
  }

  @Command(name = "as-of",
      description = "The version an alias pointed to at an instant; exit code 1 if none.")
  static final class AsOf extends ReadSubcommand {
    @Parameters(paramLabel = "NAME", description = "Model name.")
    String name;

    @Option(names = "--alias", defaultValue = CHAMPION, description = "The alias (default: ${DEFAULT-VALUE}).")
    String alias;

    @Option(names = "--at", required = true, paramLabel = "INSTANT",
        description = "An ISO-8601 instant (2026-11-01T00:00:00Z) or a date (2026-11-01: its start, UTC).")
    String at;

    private Instant instant;

    @Override
    void check() {
      super.check();
      instant = ModelsView.instant(at);
    }

    @Override
    int run(ModelRegistry registry) {
      ModelsView.AsOf answer = ModelsView.asOf(registry, name, alias, instant);
      if (format.json()) {
        print(Json.write(ModelsView.asOfJson(name, alias, instant, answer)));
        return answer.version() == 0 ? Lakemill.RUN_FAILED : Lakemill.OK;
      }
      if (answer.version() == 0) {
        System.err.print(answer.text());
        return Lakemill.RUN_FAILED;
      }
      return print(answer.text());
    }
  }

  @Command(name = "archive",
      description = "Archive a version: it cannot be promoted, and vacuum no longer protects its files.")
  static final class Archive extends Subcommand {
    @Parameters(paramLabel = "MODEL@vN", description = "The version to archive, e.g. churn@v1.")
    String model;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, recorded with the event.")
    String reason;

    @Override
    int run(ModelRegistry registry) {
      return print(ModelsView.archive(registry, model, true, reason, Instant.now()));
    }
  }

  @Command(name = "unarchive",
      description = "Undo archive: the version can be promoted and its files are protected.")
  static final class Unarchive extends Subcommand {
    @Parameters(paramLabel = "MODEL@vN", description = "The version to unarchive, e.g. churn@v1.")
    String model;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, recorded with the event.")
    String reason;

    @Override
    int run(ModelRegistry registry) {
      return print(ModelsView.archive(registry, model, false, reason, Instant.now()));
    }
  }
}
