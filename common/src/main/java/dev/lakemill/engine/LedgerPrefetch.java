package dev.lakemill.engine;

import dev.lakemill.compile.PipelineCompiler;
import dev.lakemill.delta.KernelTables;
import dev.lakemill.fs.HadoopConf;
import dev.lakemill.ledger.LedgerReader;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.registry.ModelRegistry;
import dev.lakemill.settings.Environment;
import java.util.concurrent.CompletableFuture;

/**
 * The run ledger's and the model registry's tables, read through Delta Kernel on another thread while the
 * pipeline file is compiled, so that deciding the run ({@code lakemill plan}) finds the rows already read. On a
 * fresh JVM most of that read is loading and warming Delta Kernel's, Hadoop's and Parquet's classes; compiling
 * does the same for Typesafe Config's and Spark's SQL parser's, so on two cores the two overlap.
 *
 * <p>Nothing here fails or changes what a command reports: the decision reads every table again, at its latest
 * version; a version read here is answered from memory ({@link KernelTables}), and a table that could not be read
 * here is read, and its error reported, then.
 */
public final class LedgerPrefetch {
  private final Environment env;
  private final String ledger;
  private final CompletableFuture<KernelTables> tables;
  private final CompletableFuture<Void> registry;
  private CompletableFuture<Void> steps;

  private LedgerPrefetch(Environment env, String ledger) {
    this.env = env;
    this.ledger = ledger;
    this.tables = CompletableFuture.supplyAsync(() -> KernelTables.of(HadoopConf.of(env)));
    // Two threads: on two cores the registry's first Parquet reads overlap the ledger's log replay.
    this.steps = tables.thenAcceptAsync(t -> quietly(() -> new LedgerReader(t, ledger).prefetch()));
    this.registry = tables.thenAcceptAsync(t -> quietly(() -> new ModelRegistry(t, ledger).prefetch()));
  }

  /** Starts reading the ledger and registry of {@code env}'s lakehouse in the background. */
  public static LedgerPrefetch start(Environment env) {
    return new LedgerPrefetch(env, PipelineCompiler.resolveRoot(env.lakehouseRoot()) + "/" + PipelinePlan.LEDGER_FOLDER);
  }

  /**
   * Reads the step records of {@code pipeline} next, in the background: call it once the file's pipeline name is
   * known (see {@link dev.lakemill.compile.Compiler#validate(String, java.util.Map,
   * dev.lakemill.load.PipelineFiles, java.util.function.Consumer)}), while the rest of the file is checked.
   */
  public void pipeline(String pipeline) {
    steps = steps.thenRunAsync(() -> quietly(() -> new LedgerReader(tables.join(), ledger).prefetch(pipeline)));
  }

  /** The ledger folder read, {@code <lakehouse root>/_lakemill}. */
  public String location() {
    return ledger;
  }

  /** The reader that holds what was read: waits for the background reads to finish. */
  KernelTables tables() {
    try {
      CompletableFuture.allOf(steps, registry).join();
      return tables.join();
    } catch (RuntimeException e) {
      return KernelTables.of(HadoopConf.of(env));
    }
  }

  /** A read that failed here is read again when deciding, which reports it. */
  private static void quietly(Runnable read) {
    try {
      read.run();
    } catch (RuntimeException e) {
      // Read again when deciding.
    }
  }
}
