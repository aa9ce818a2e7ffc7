package dev.lakemill.safety;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a lease file says about the run holding it (written once, when the lease is taken), plus its
 * last heartbeat: the file's modification time, which the holder refreshes.
 *
 * @param token unique per lease taken; names the tombstone when the lease is taken over
 * @param runId the run
 * @param pipeline pipeline name
 * @param host host name of the process
 * @param pid process id
 * @param started when the lease was taken
 * @param ttlMillis how long after its last heartbeat the holder's lease expires
 * @param pipelineFile the pipeline file, for the ledger row of an abandoned run
 * @param params params after overrides, likewise
 * @param steps the steps the run was asked to run, in execution order, with what each writes
 * @param lakemillVersion the lakemill version of the run
 * @param heartbeat the last heartbeat (the file's modification time)
 */
public record LeaseHolder(String token, String runId, String pipeline, String host, long pid, Instant started,
    long ttlMillis, String pipelineFile, Map<String, String> params, List<LeasedStep> steps, String lakemillVersion,
    Instant heartbeat) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One step the run was asked to run.
   *
   * @param name step name
   * @param table output table ({@code schema.table}), empty when the step writes none
   * @param location output table location, empty when the step writes none
   * @param model registry name for train steps, empty otherwise
   */
  public record LeasedStep(String name, String table, String location, String model) {}

  public LeaseHolder {
    params = Map.copyOf(params);
    steps = List.copyOf(steps);
  }

  /** When the lease expires (or expired) if no heartbeat follows the last one. */
  public Instant expiresAt() {
    return heartbeat.plusMillis(ttlMillis);
  }

  public boolean expired(Instant now) {
    return now.isAfter(expiresAt());
  }

  /** {@code run R (pid P on host H)}, how messages name the holder. */
  public String describe() {
    return "run " + runId + " (pid " + pid + " on host " + host + ")";
  }

  LeaseHolder withHeartbeat(Instant at) {
    return new LeaseHolder(token, runId, pipeline, host, pid, started, ttlMillis, pipelineFile, params, steps,
        lakemillVersion, at);
  }

  /** The file's content: one JSON object, readable with {@code cat}. */
  byte[] toJson() {
    ObjectNode root = JSON.createObjectNode().put("token", token).put("run_id", runId).put("pipeline", pipeline)
        .put("host", host).put("pid", pid).put("started", started.toString()).put("ttl_ms", ttlMillis)
        .put("pipeline_file", pipelineFile).put("lakemill_version", lakemillVersion);
    ObjectNode p = root.putObject("params");
    params.forEach(p::put);
    ArrayNode s = root.putArray("steps");
    for (LeasedStep step : steps) {
      s.addObject().put("name", step.name()).put("table", step.table()).put("location", step.location())
          .put("model", step.model());
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot write a lease as JSON", e);
    }
  }

  /** The holder a lease file describes, or empty when the content is not (yet) a complete lease. */
  static Optional<LeaseHolder> fromJson(byte[] content, long modifiedMillis) {
    try {
      JsonNode n = JSON.readTree(content);
      if (n == null || !n.hasNonNull("token") || !n.hasNonNull("run_id") || !n.has("steps")) {
        return Optional.empty();
      }
      Map<String, String> params = new LinkedHashMap<>();
      n.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
      List<LeasedStep> steps = new ArrayList<>();
      for (JsonNode s : n.get("steps")) {
        steps.add(new LeasedStep(s.path("name").asText(), s.path("table").asText(""), s.path("location").asText(""),
            s.path("model").asText("")));
      }
      return Optional.of(new LeaseHolder(n.get("token").asText(), n.get("run_id").asText(),
          n.path("pipeline").asText(), n.path("host").asText(), n.path("pid").asLong(-1),
          Instant.parse(n.path("started").asText()), n.path("ttl_ms").asLong(), n.path("pipeline_file").asText(""),
          params, steps, n.path("lakemill_version").asText(""), Instant.ofEpochMilli(modifiedMillis)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
