package dev.lakemill.compile;

import dev.lakemill.plan.PipelinePlan;
import dev.lakemill.plan.SourcePlan;
import dev.lakemill.plan.StepPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Renders a plan for {@code lakemill plan}: text, json, mermaid or dot. Deterministic output. */
public final class PlanRenderer {
  /** Output formats of {@code lakemill plan --format}. */
  public enum Format { TEXT, JSON, MERMAID, DOT }

  private PlanRenderer() {}

  public static String render(PipelinePlan plan, Format format) {
    return switch (format) {
      case TEXT -> text(plan);
      case JSON -> json(plan);
      case MERMAID -> mermaid(plan);
      case DOT -> dot(plan);
    };
  }

  private static String text(PipelinePlan plan) {
    StringBuilder out = new StringBuilder("pipeline " + plan.pipeline() + " (" + plan.file() + ")\n");
    for (SourcePlan s : plan.sources()) {
      out.append("  source ").append(s.name()).append(": ").append(s.format().key())
          .append(s.location() != null ? " " + s.location() : " " + s.generator()).append('\n');
    }
    int i = 0;
    for (StepPlan step : plan.steps()) {
      out.append(String.format(Locale.ROOT, "  %d. %s  reads [%s]  %s%n", ++i, step.name(),
          String.join(", ", step.inputs()), step.effect()));
      for (String input : step.inputs()) {
        reads(plan, step, input).ifPresent(r -> out.append("       reads ").append(r).append('\n'));
      }
    }
    return out.toString();
  }

  /**
   * How {@code step} reads {@code input}, when it is not simply the input as it is: a step's output that
   * is not overwritten whole (its readers get what it produced in the run), or a delta source on a table a
   * step of the pipeline writes (read at the version that step wrote in the run).
   */
  private static java.util.Optional<String> reads(PipelinePlan plan, StepPlan step, String input) {
    java.util.Optional<SourcePlan> source = plan.source(input);
    if (source.isPresent()) {
      return plan.writerOf(source.get(), step.name()).map(w -> "source " + input + " (" + w.output().name()
          + ", written by step " + w.name() + ": table at its version)");
    }
    return plan.step(input).filter(s -> s.output() != null).map(s -> switch (s.output().mode()) {
      case OVERWRITE -> null;
      case APPEND -> "step " + input + " (" + s.output().name() + ": the rows it appended in this run)";
      case REPLACE_PARTITIONS -> "step " + input + " (" + s.output().name() + ": the partitions it replaced in this run)";
      case MERGE -> "step " + input + " (" + s.output().name() + ": the rows it inserted or updated in this run)";
    });
  }

  private static String json(PipelinePlan plan) {
    List<String> steps = new ArrayList<>();
    for (StepPlan step : plan.steps()) {
      steps.add("{\"name\":" + q(step.name()) + ",\"inputs\":["
          + step.inputs().stream().map(PlanRenderer::q).collect(Collectors.joining(",")) + "],\"output\":"
          + (step.output() == null ? "null" : "{\"table\":" + q(step.output().name()) + ",\"mode\":"
              + q(step.output().mode().key()) + ",\"location\":" + q(step.output().location()) + "}")
          + ",\"config_hash\":" + q(step.configHash()) + "}");
    }
    List<String> sources = plan.sources().stream().map(s -> "{\"name\":" + q(s.name()) + ",\"format\":"
        + q(s.format().key()) + ",\"location\":" + (s.location() == null ? "null" : q(s.location())) + "}").toList();
    return "{\"pipeline\":" + q(plan.pipeline()) + ",\"file\":" + q(plan.file()) + ",\"sources\":["
        + String.join(",", sources) + "],\"steps\":[" + String.join(",", steps) + "]}\n";
  }

  private static String mermaid(PipelinePlan plan) {
    StringBuilder out = new StringBuilder("flowchart LR\n");
    plan.sources().forEach(s -> out.append("  ").append(id(s.name())).append("[(").append(s.name()).append(")]\n"));
    for (StepPlan step : plan.steps()) {
      out.append("  ").append(id(step.name())).append("[").append(step.name())
          .append(step.output() == null ? "" : "<br/>" + step.output().name()).append("]\n");
      step.inputs().forEach(in -> out.append("  ").append(id(in)).append(" --> ").append(id(step.name())).append('\n'));
    }
    return out.toString();
  }

  private static String dot(PipelinePlan plan) {
    StringBuilder out = new StringBuilder("digraph " + q(plan.pipeline()) + " {\n  rankdir=LR;\n");
    plan.sources().forEach(s -> out.append("  ").append(q(s.name())).append(" [shape=cylinder];\n"));
    for (StepPlan step : plan.steps()) {
      out.append("  ").append(q(step.name())).append(" [shape=box, label=")
          .append('"').append(step.name()).append(step.output() == null ? "" : "\\n" + step.output().name())
          .append("\"];\n");
      step.inputs().forEach(in -> out.append("  ").append(q(in)).append(" -> ").append(q(step.name())).append(";\n"));
    }
    return out.append("}\n").toString();
  }

  private static String id(String name) {
    return name.replaceAll("[^A-Za-z0-9_]", "_");
  }

  private static String q(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    return out.append('"').toString();
  }
}
