package dev.lakemill.registry;

import java.time.Instant;
import java.util.List;

/**
 * One validate step's verdict on a model version.
 *
 * @param name model name
 * @param version model version
 * @param runId the validating run
 * @param at when
 * @param gates each gate's result
 * @param passed whether all gates passed
 */
public record Validation(String name, int version, String runId, Instant at, List<GateResult> gates, boolean passed) {
  public Validation {
    gates = List.copyOf(gates);
  }
}
