package dev.lakemill.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** A delta source's {@code timestamp-as-of} read as Spark casts it, in the run's session time zone. */
class SourceReaderTest {
  private static final ZoneId UTC = ZoneId.of("UTC");

  @Test
  void aTimestampWithoutOffsetIsReadInTheSessionTimeZone() {
    long utc = Instant.parse("2026-11-01T06:30:00Z").toEpochMilli();

    assertThat(SourceReader.millis("2026-11-01 06:30:00", UTC)).hasValue(utc);
    assertThat(SourceReader.millis("2026-11-01T06:30:00", ZoneId.of("+01:00"))).hasValue(utc - 3_600_000);
    assertThat(SourceReader.millis("2026-11-01 07:30:00", ZoneId.of("Europe/Berlin"))).hasValue(utc);
    assertThat(SourceReader.millis("2026-11-01", UTC)).hasValue(Instant.parse("2026-11-01T00:00:00Z").toEpochMilli());
  }

  @Test
  void anOffsetInTheValueWinsAndAnythingElseMatchesNoVersion() {
    long utc = Instant.parse("2026-11-01T06:30:00Z").toEpochMilli();

    assertThat(SourceReader.millis("2026-11-01T08:30:00+02:00", UTC)).hasValue(utc);
    assertThat(SourceReader.millis("2026-11-01 06:30:00Z", ZoneId.of("Asia/Tokyo"))).hasValue(utc);
    assertThat(SourceReader.millis("yesterday", UTC)).isEmpty();
  }
}
