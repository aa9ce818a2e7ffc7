package dev.lakemill.delta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakemill.error.LakemillException;
import dev.lakemill.plan.TablePlan;
import dev.lakemill.spec.WriteMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The messages of a retried write whose commit the log no longer holds (RetryAndStopTest runs the append's). */
class TableErrorsTest {
  @Test
  void aSkippedMergeWhoseCommitIsGoneSaysMergeAndWhatToDo() {
    TablePlan totals = new TablePlan("gold.totals", "/lake/gold/totals", WriteMode.MERGE, List.of("region"), List.of());
    LakemillException e = TableErrors.writeNotFound(totals, "lakemill pipeline=p run=r1 step=totals", null);

    assertThat(e.kind()).isEqualTo(LakemillException.Kind.RUN_FAILED);
    assertThat(e.getMessage()).isEqualTo("The table at /lake/gold/totals already has the merge of 'lakemill"
        + " pipeline=p run=r1 step=totals' (Delta skipped merging it again), but its commit is no longer in the Delta"
        + " log (cleaned up by the log's retention), so the version it wrote is unknown. Nothing was merged. Rerun"
        + " under a new run id to merge once more");
  }
}
