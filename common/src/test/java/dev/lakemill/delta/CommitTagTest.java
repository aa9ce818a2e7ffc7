package dev.lakemill.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommitTagTest {
  @Test
  void readsBackWhatItWritesWithLocationsHoldingSpacesAndQuotes() {
    CommitTag tag = new CommitTag("p", "20261126T213302Z-1a2b3c", "prepare", "ab12",
        List.of(new InputVersion("customers", "", -1), new InputVersion("raw", "/data/my \"lake\"/raw", 7)));

    assertThat(tag.text()).isEqualTo("lakemill pipeline=p run=20261126T213302Z-1a2b3c step=prepare fingerprint=ab12"
        + " inputs=[{\"name\":\"customers\",\"location\":\"\",\"version\":-1},"
        + "{\"name\":\"raw\",\"location\":\"/data/my \\\"lake\\\"/raw\",\"version\":7}]");
    assertThat(CommitTag.parse(tag.text())).contains(tag);
    assertThat(CommitTag.keyOf(tag.text())).isEqualTo("lakemill pipeline=p run=20261126T213302Z-1a2b3c step=prepare")
        .isEqualTo(tag.key());
  }

  @Test
  void tagsWithoutFingerprintStillMatchByKeyAndOtherMetadataOnlyByEquality() {
    String old = "lakemill pipeline=p run=r1 step=a";

    assertThat(CommitTag.parse(old)).contains(new CommitTag("p", "r1", "a", "", List.of()));
    assertThat(CommitTag.keyOf(old)).isEqualTo(old);
    assertThat(CommitTag.keyOf("lakemill reproduce churn@v3")).isEqualTo("lakemill reproduce churn@v3");
    assertThat(CommitTag.parse("lakemill reproduce churn@v3")).isEmpty();
    assertThat(CommitTag.parse("lakemill pipeline=p run=r1 step=a fingerprint=f inputs=[not json")).isEmpty();
  }
}
