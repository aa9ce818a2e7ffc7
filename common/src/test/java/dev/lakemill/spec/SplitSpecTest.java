package dev.lakemill.spec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The registry records a split as text; drift steps read it back to re-derive a model's training rows. */
class SplitSpecTest {
  @Test
  void readsBackWhatItDescribes() {
    SplitSpec random = new SplitSpec(0.2, 42, null, null, null);
    SplitSpec byTime = new SplitSpec(null, 42, "event_date", "2026-10-01 00:00:00", null);

    assertThat(random.describe()).isEqualTo("test-fraction=0.2 seed=42");
    assertThat(SplitSpec.parse(random.describe())).contains(random);
    assertThat(byTime.describe()).isEqualTo("by=event_date test-from=2026-10-01 00:00:00");
    assertThat(SplitSpec.parse(byTime.describe())).contains(byTime);
    assertThat(SplitSpec.parse("test-fraction=1.0E-4 seed=-3")).contains(new SplitSpec(1.0E-4, -3, null, null, null));
  }

  @Test
  void rejectsOtherText() {
    assertThat(SplitSpec.parse("80/20")).isEmpty();
    assertThat(SplitSpec.parse("test-fraction=lots seed=1")).isEmpty();
    assertThat(SplitSpec.parse(null)).isEmpty();
  }
}
