package io.nyx.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The pipeline over a source in memory: batches, duplicates across them, the report's counts. */
class ExportPipelineTest {
  /** Renders a line's completion only: enough to see what was written, in order. */
  private static final JsonEncoder ANSWERS =
      tree -> {
        Object messages = ((java.util.Map<?, ?>) tree).get("messages");
        Object last = ((List<?>) messages).getLast();
        return String.valueOf(((java.util.Map<?, ?>) last).get("content"))
            .getBytes(StandardCharsets.UTF_8);
      };

  private static Exchange answer(int n, String question, double reward) {
    return new Exchange(
        "id-" + n,
        Instant.EPOCH.plusSeconds(n),
        "local",
        null,
        "kairos",
        "kairos-adapter",
        null,
        List.of(new Turn("system", "You are kairos."), new Turn("user", question)),
        "answer " + n,
        reward);
  }

  /** A source that streams {@code answers} after a census. */
  private static ExampleSource source(List<Exchange> answers) {
    return (request, reader) -> {
      reader.begin(new Census(answers.size(), 0, 0, 0, 0, answers.size(), answers.size(), 0, 0));
      for (Exchange e : answers) {
        reader.answer(e);
      }
    };
  }

  private static ExportRequest sft() {
    return new ExportRequest(ExportRequest.Kind.SFT, null, Instant.EPOCH, -1, 0.5, null);
  }

  @Test
  void aRepeatedQuestionIsANearDuplicateAlsoInALaterBatch() throws IOException {
    SplittableRandom r = new SplittableRandom(3);
    NearDuplicatesTest.TableEmbedder e = new NearDuplicatesTest.TableEmbedder(64);
    List<Exchange> answers = new java.util.ArrayList<>();
    for (int i = 0; i < 150; i++) {
      String q = "question " + (i % 100); // 100..149 ask 0..49 again, two batches later
      e.table.putIfAbsent(q, NearDuplicatesTest.random(r, 64));
      answers.add(answer(i, q, 0.9));
    }
    ExportPipeline p =
        new ExportPipeline(source(answers), ExportSettings.DEFAULT, e, null, ANSWERS);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long n = p.write(sft(), () -> out);
    assertThat(n).isEqualTo(100);
    assertThat(out.toString(StandardCharsets.UTF_8).lines())
        .hasSize(100)
        .startsWith("answer 0", "answer 1")
        .endsWith("answer 99");
    assertThat(e.calls).isEqualTo(3); // 150 prompts in batches of 64: three embedding calls
  }

  @Test
  void theReportCountsWhatWasLeftOutAndTheOutputsOpenEvenForNothing() throws IOException {
    NearDuplicatesTest.TableEmbedder e = new NearDuplicatesTest.TableEmbedder(4);
    e.table.put("q", NearDuplicatesTest.unit(new float[] {1, 0, 0, 0}));
    Exchange first = answer(1, "q", 0.9);
    Exchange again = answer(1, "q", 0.9); // the same example twice: an exact duplicate
    Exchange reworded = answer(2, "q", 0.8); // another answer to the same question: near
    ExportPipeline p =
        new ExportPipeline(
            source(List.of(first, again, reworded)), ExportSettings.DEFAULT, e, "base", ANSWERS);
    Report report = p.export(sft(), split -> new ByteArrayOutputStream());
    assertThat(report.total()).isEqualTo(1);
    assertThat(report.dropped())
        .containsEntry("exact_duplicate", 1L)
        .containsEntry("near_duplicate", 1L);
    assertThat(report.dedupe().index()).isEqualTo("exact");
    boolean[] opened = {false};
    new ExportPipeline(source(List.of()), ExportSettings.DEFAULT, e, null, ANSWERS)
        .export(
            sft(),
            split -> {
              opened[0] = true;
              return new ByteArrayOutputStream();
            });
    assertThat(opened[0]).as("an empty export still answers with an empty body").isTrue();
  }

  @Test
  void withoutAnEmbedderOnlyExactDuplicatesGo() throws IOException {
    ExportPipeline p =
        new ExportPipeline(
            source(List.of(answer(1, "q", 0.9), answer(2, "q", 0.8))),
            ExportSettings.DEFAULT,
            null,
            null,
            ANSWERS);
    Report report = p.export(sft(), split -> new ByteArrayOutputStream());
    assertThat(report.total()).isEqualTo(2);
    assertThat(report.dedupe().index()).isEqualTo("off");
  }
}
