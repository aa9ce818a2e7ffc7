package dev.lakemill.delta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The user metadata of a step's Delta commits, e.g. {@code lakemill pipeline=churn run=R1 step=prepare
 * fingerprint=9f2c... inputs=[{"name":"customers","location":"","version":-1}]}. Its key (pipeline, run
 * and step) finds the commit a step made; fingerprint and inputs let a run killed before its ledger
 * write be recorded completely from its commits alone ({@link dev.lakemill.safety.AbandonedRuns}).
 *
 * @param pipeline pipeline name (letters, digits, - and _)
 * @param runId run id (no spaces: see {@link dev.lakemill.ledger.RunIds})
 * @param step step name
 * @param fingerprint the step's ledger fingerprint
 * @param inputs the step's inputs with the versions read
 */
public record CommitTag(String pipeline, String runId, String step, String fingerprint, List<InputVersion> inputs) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TAG = Pattern.compile(
      "lakemill pipeline=(\\S+) run=(\\S+) step=(\\S+)(?: fingerprint=(\\S*) inputs=(\\[.*]))?", Pattern.DOTALL);

  public CommitTag {
    inputs = List.copyOf(inputs);
  }

  /** {@code lakemill pipeline=P run=R step=S}: what identifies the commits of one step of one run. */
  public String key() {
    return "lakemill pipeline=" + pipeline + " run=" + runId + " step=" + step;
  }

  public String text() {
    ArrayNode array = JSON.createArrayNode();
    for (InputVersion i : inputs) {
      com.fasterxml.jackson.databind.node.ObjectNode o =
          array.addObject().put("name", i.name()).put("location", i.location()).put("version", i.version());
      if (i.rowsOnly()) {
        o.put("written_by", i.writtenBy());
      }
    }
    return key() + " fingerprint=" + fingerprint + " inputs=" + array;
  }

  /** The identifying part of a tag's text (its key for step tags; the whole text for other tags). */
  static String keyOf(String text) {
    if (text == null) {
      return null;
    }
    int end = text.indexOf(" fingerprint=");
    return text.startsWith("lakemill pipeline=") && end > 0 ? text.substring(0, end) : text;
  }

  /** The step tag {@code text} holds; empty for other user metadata. Older tags have no fingerprint or inputs. */
  public static Optional<CommitTag> parse(String text) {
    Matcher m = text == null ? null : TAG.matcher(text);
    if (m == null || !m.matches()) {
      return Optional.empty();
    }
    List<InputVersion> inputs = new ArrayList<>();
    if (m.group(5) != null) {
      try {
        for (JsonNode i : JSON.readTree(m.group(5))) {
          inputs.add(new InputVersion(i.path("name").asText(), i.path("location").asText(""),
              i.path("version").asLong(-1), i.path("written_by").asText("")));
        }
      } catch (IOException e) {
        return Optional.empty();
      }
    }
    return Optional.of(new CommitTag(m.group(1), m.group(2), m.group(3), m.group(4) == null ? "" : m.group(4), inputs));
  }
}
