package io.nyx.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SplitterTest {
  private static Exchange exchange(String id, String session, String question) {
    return new Exchange(
        id,
        Instant.EPOCH,
        "local",
        session,
        "kairos",
        "kairos-adapter",
        null,
        List.of(new Turn("system", "ctx " + id), new Turn("user", question)),
        "answer " + id,
        0.5);
  }

  @Test
  void aConversationStaysOnOneSideAndTheShareIsMet() {
    Splitter s = new Splitter(0.2, 42);
    int validation = 0;
    for (int i = 0; i < 10_000; i++) {
      // Two turns of one session, with different questions and context: one side.
      Split first = s.of(exchange("a" + i, "session-" + i, "question " + i));
      Split second = s.of(exchange("b" + i, "session-" + i, "follow-up " + i));
      assertThat(second).isEqualTo(first);
      if (first == Split.VALIDATION) {
        validation++;
      }
    }
    // Binomial(10000, 0.2): sd 40, so ±200 is five of them.
    assertThat(validation).isBetween(1800, 2200);
  }

  @Test
  void withoutASessionTheFirstUserMessageIsTheConversation() {
    Splitter s = new Splitter(0.5, 1);
    for (int i = 0; i < 200; i++) {
      assertThat(s.of(exchange("x" + i, null, "same question " + i)))
          .isEqualTo(s.of(exchange("y" + i, null, "same question " + i)));
    }
  }

  @Test
  void theSameSeedSplitsTheSameWayAndAnotherSeedDifferently() {
    Splitter a = new Splitter(0.3, 7);
    Splitter b = new Splitter(0.3, 7);
    Splitter c = new Splitter(0.3, 8);
    int differ = 0;
    for (int i = 0; i < 1000; i++) {
      Exchange e = exchange("e" + i, "s" + i, "q");
      assertThat(b.of(e)).isEqualTo(a.of(e));
      if (c.of(e) != a.of(e)) {
        differ++;
      }
    }
    assertThat(differ).isGreaterThan(200); // independent draws differ 2·0.3·0.7 = 42% of the time
  }

  @Test
  void noShareIsAllTraining() {
    Splitter s = new Splitter(0, 0);
    for (int i = 0; i < 100; i++) {
      assertThat(s.of(exchange("e" + i, "s" + i, "q"))).isEqualTo(Split.TRAIN);
    }
  }
}
