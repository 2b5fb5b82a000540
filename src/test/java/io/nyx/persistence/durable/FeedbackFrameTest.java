package io.nyx.persistence.durable;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.pipeline.Feedback;
import io.nyx.security.Caller;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Spooled feedback frames: a correction rides along, and frames written before it still read. */
class FeedbackFrameTest {
  @Test
  void aCorrectionSurvivesTheSpool() throws IOException {
    Feedback fb =
        new Feedback(
            UUID.randomUUID(),
            UUID.randomUUID(),
            -1,
            "wrong day",
            Instant.parse("2026-11-02T09:00:00Z"),
            "ann",
            new Caller("acme", "ann", false),
            "Your appointment is on Tuesday.");
    assertThat(DurableFeedback.decode(DurableFeedback.encode(fb))).isEqualTo(fb);
    Feedback plain =
        new Feedback(
            fb.id(), fb.queryId(), 1, "", fb.at(), "ann", new Caller("acme", "ann", false));
    assertThat(DurableFeedback.decode(DurableFeedback.encode(plain)).correction()).isNull();
  }

  @Test
  void aFrameFromBeforeCorrectionsDecodesWithoutOne() throws IOException {
    String old =
        "{\"id\":\"00000000-0000-4000-8000-000000000001\","
            + "\"query_id\":\"00000000-0000-4000-8000-000000000002\",\"rating\":0.5,"
            + "\"comment\":\"ok\",\"at\":\"2026-11-02T09:00:00Z\",\"rater\":\"ann\","
            + "\"tenant\":\"acme\",\"key_name\":\"ann\",\"admin\":false}";
    Feedback fb = DurableFeedback.decode(old.getBytes(StandardCharsets.UTF_8));
    assertThat(fb.correction()).isNull();
    assertThat(fb.rater()).isEqualTo("ann");
    assertThat(fb.rating()).isEqualTo(0.5);
  }
}
