package dev.lakemill.engine;

import dev.lakemill.delta.DeltaIO;
import dev.lakemill.delta.DeltaLogFiles;
import dev.lakemill.delta.KernelTables;
import dev.lakemill.ledger.LedgerReader;
import dev.lakemill.ledger.RunLedger;
import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.plan.SourcePlan;
import dev.lakemill.registry.ModelRegistry;
import dev.lakemill.sources.SourceReader;
import dev.lakemill.sources.SourceStamps;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * What deciding a run reads ({@link RunPlanner}, {@link StepCache}): metadata only, never data. Sources'
 * versions and stamps, the ledger's records, whether an output was written since, and the registry.
 * {@link #kernel} reads all of it through Delta Kernel and Hadoop file listings, without a SparkSession, so
 * that {@code lakemill plan} and a run with nothing to do start no Spark.
 */
interface DecisionReads {
  /** The Delta version {@code source} reads (-1: not a Delta source); see {@link SourceReader#version}. */
  long sourceVersion(SourcePlan source);

  /** The source's own fingerprint; see {@link SourceStamps#fingerprint}. */
  String sourceStamp(SourcePlan source);

  /** The latest done record of every step of the pipeline; see {@link RunLedger#latestDone}. */
  Map<String, RunLedger.Recorded> latestDone(String pipeline);

  /** The latest done record of one step, this run's first; see {@link LedgerReader#lastSucceeded}. */
  Optional<RunLedger.Recorded> lastSucceeded(String pipeline, String step, String runId);

  /** Whether the table's rows are still those of {@code version}; see {@link DeltaLogFiles#sameDataSince}. */
  boolean sameDataSince(String location, long version);

  /** The table's latest version, -1 when there is none. */
  long latestVersion(String location);

  /** The registry, for reads (model versions, aliases). */
  ModelRegistry registry();

  /**
   * Every read through Delta Kernel and Hadoop's {@code FileSystem} with {@code hadoop}: no SparkSession.
   * {@code zone} is the session time zone a {@code timestamp-as-of} without an offset is read in.
   */
  static DecisionReads kernel(Configuration hadoop, PipelinePlan plan, java.time.ZoneId zone) {
    return kernel(KernelTables.of(hadoop), plan, zone);
  }

  /** Like {@link #kernel(Configuration, PipelinePlan, java.time.ZoneId)}, with what {@code tables} read already. */
  static DecisionReads kernel(KernelTables tables, PipelinePlan plan, java.time.ZoneId zone) {
    Configuration hadoop = tables.hadoop();
    LedgerReader ledger = new LedgerReader(tables, plan.ledgerLocation());
    ModelRegistry registry = new ModelRegistry(tables, plan.ledgerLocation());
    return new DecisionReads() {
      @Override
      public long sourceVersion(SourcePlan source) {
        return SourceReader.version(tables, source, zone);
      }

      @Override
      public String sourceStamp(SourcePlan source) {
        return SourceStamps.fingerprint(hadoop, source);
      }

      @Override
      public Map<String, RunLedger.Recorded> latestDone(String pipeline) {
        return ledger.latestDone(pipeline);
      }

      @Override
      public Optional<RunLedger.Recorded> lastSucceeded(String pipeline, String step, String runId) {
        return ledger.lastSucceeded(pipeline, step, runId);
      }

      @Override
      public boolean sameDataSince(String location, long version) {
        return DeltaLogFiles.sameDataSince(hadoop, location, version);
      }

      @Override
      public long latestVersion(String location) {
        return DeltaIO.latestVersion(hadoop, location);
      }

      @Override
      public ModelRegistry registry() {
        return registry;
      }
    };
  }
}
