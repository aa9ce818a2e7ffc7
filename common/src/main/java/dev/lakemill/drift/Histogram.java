package dev.lakemill.drift;

import java.util.Arrays;
import java.util.List;

/**
 * The two samples of one column bucketed the same way, for the metrics that need bins and for the
 * report's charts. Numeric bins have {@code edges} (bins + 1 ascending values, last bin closed);
 * categorical bins have one label per value and no edges. Null values are not in any bin.
 */
public record Histogram(List<String> labels, double[] edges, long[] reference, long[] current) {
  public Histogram {
    labels = List.copyOf(labels);
    edges = edges.clone();
    reference = reference.clone();
    current = current.clone();
    if (reference.length != labels.size() || current.length != labels.size()) {
      throw new IllegalArgumentException("Histogram needs one reference and one current count per bin");
    }
    if (edges.length != 0 && edges.length != labels.size() + 1) {
      throw new IllegalArgumentException("Numeric histogram needs bins + 1 edges");
    }
  }

  public int bins() {
    return labels.size();
  }

  @Override
  public double[] edges() {
    return edges.clone();
  }

  @Override
  public long[] reference() {
    return reference.clone();
  }

  @Override
  public long[] current() {
    return current.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Histogram h && labels.equals(h.labels) && Arrays.equals(edges, h.edges)
        && Arrays.equals(reference, h.reference) && Arrays.equals(current, h.current);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * labels.hashCode() + Arrays.hashCode(edges)) + Arrays.hashCode(reference))
        + Arrays.hashCode(current);
  }

  @Override
  public String toString() {
    return "Histogram" + labels + " ref=" + Arrays.toString(reference) + " cur=" + Arrays.toString(current);
  }
}
