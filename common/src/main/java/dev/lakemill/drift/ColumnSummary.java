package dev.lakemill.drift;

import java.util.Objects;

/**
 * What the metrics need of one column: the histogram of both samples (the full one: every category), and
 * for numeric columns the sorted cells of both samples and the reference's population standard deviation.
 *
 * @param samples null for columns that are not numeric
 * @param referenceStd NaN for columns that are not numeric
 */
public record ColumnSummary(Histogram histogram, SampleSummary samples, double referenceStd) {
  public ColumnSummary {
    Objects.requireNonNull(histogram, "histogram");
  }

  public static ColumnSummary categorical(Histogram histogram) {
    return new ColumnSummary(histogram, null, Double.NaN);
  }

  /** The numeric cells, or an error naming the method that needs them. */
  SampleSummary requireSamples(DriftMethod method) {
    if (samples == null) {
      throw new IllegalArgumentException(method.configName() + " needs the values of a numeric column");
    }
    return samples;
  }
}
