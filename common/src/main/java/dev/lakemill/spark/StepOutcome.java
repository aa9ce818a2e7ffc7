package dev.lakemill.spark;

import dev.lakemill.ledger.ExpectationCount;
import java.util.List;

/** What running one step produced; the runner adds timing, inputs and fingerprint for the ledger. */
record StepOutcome(long outputVersion, long rowsIn, long rowsOut, long rowsQuarantined,
    List<ExpectationCount> expectations) {}
