package dev.lakemill.jobs;

import dev.lakemill.compile.PipelineCompiler;
import dev.lakemill.engine.SparkSessions;
import dev.lakemill.ops.Vacuum;
import dev.lakemill.settings.Environment;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lakemill vacuum}: Delta VACUUM over the lakehouse, keeping what registered models need. */
@Command(name = "vacuum", description = "Remove Delta data files that no table version within the retention needs,"
    + " except those that a registered, not archived, model version's lineage or holdout needs.")
final class VacuumCommand implements Callable<Integer> {
  @Option(names = "--retain-hours", defaultValue = "168",
      description = "Keep files removed less than this many hours ago (default: ${DEFAULT-VALUE}, Delta's own default).")
  long retainHours;

  @Option(names = "--dry-run", description = "Only report what would be removed.")
  boolean dryRun;

  @Mixin
  PipelineOptions options;

  @Override
  public Integer call() {
    if (retainHours < 0) {
      throw CliErrors.badRetainHours(retainHours);
    }
    Environment env = options.environment();
    String root = PipelineCompiler.resolveRoot(env.lakehouseRoot());
    SparkSession spark = SparkSessions.create(env, "lakemill vacuum");
    try {
      if (retainHours < Vacuum.DEFAULT_RETAIN_HOURS) {
        System.out.println("warning: --retain-hours " + retainHours + " is below Delta's 168-hour safety default:"
            + " a reader or writer still using an older version may fail");
      }
      System.out.print(render(root, new Vacuum(spark).run(root, retainHours, dryRun), dryRun));
      return Lakemill.OK;
    } finally {
      SparkSessions.stop(spark);
    }
  }

  static String render(String root, List<Vacuum.Outcome> outcomes, boolean dryRun) {
    StringBuilder out = new StringBuilder();
    for (Vacuum.Outcome o : outcomes) {
      String table = o.location().startsWith(root + "/") ? o.location().substring(root.length() + 1) : o.location();
      if (o.pinRemoved()) {
        out.append(String.format(Locale.ROOT, "%-40s %s lineage pin: no registered, not archived, model needs it%n",
            table, dryRun ? "would remove" : "removed"));
        continue;
      }
      out.append(String.format(Locale.ROOT, "%-40s %s %,d file(s), retention %dh", table,
          dryRun ? "would remove" : "removed", o.filesRemoved(), o.retainHours()));
      if (o.keptFrom() >= 0) {
        out.append(String.format(Locale.ROOT, "; kept v%d and later readable for %s", o.keptFrom(),
            String.join(", ", o.neededBy())));
      }
      if (o.pinnedFiles() > 0) {
        out.append(String.format(Locale.ROOT, "; kept %,d file(s) that lineage pins of live models reference",
            o.pinnedFiles()));
      }
      out.append('\n');
    }
    if (outcomes.isEmpty()) {
      out.append("No Delta tables under ").append(root).append('\n');
    }
    return out.toString();
  }
}
