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
  private final CompletableFuture<KernelTables> tables;

  private LedgerPrefetch(Environment env, CompletableFuture<KernelTables> tables) {
    this.env = env;
    this.tables = tables;
  }

  /** Starts reading the ledger and registry of {@code env}'s lakehouse in the background. */
  public static LedgerPrefetch start(Environment env) {
    String ledger = PipelineCompiler.resolveRoot(env.lakehouseRoot()) + "/" + PipelinePlan.LEDGER_FOLDER;
    return new LedgerPrefetch(env, CompletableFuture.supplyAsync(() -> {
      KernelTables tables = KernelTables.of(HadoopConf.of(env));
      try {
        new LedgerReader(tables, ledger).prefetch();
        new ModelRegistry(tables, ledger).prefetch();
      } catch (RuntimeException e) {
        // Read again when deciding, which reports it.
      }
      return tables;
    }));
  }

  /** The reader that holds what was read: waits for the background read to finish. */
  KernelTables tables() {
    try {
      return tables.join();
    } catch (RuntimeException e) {
      return KernelTables.of(HadoopConf.of(env));
    }
  }
}
