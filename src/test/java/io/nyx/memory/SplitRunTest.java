package io.nyx.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** A run split over two threads gives the vectors a single-thread run gives. */
class SplitRunTest {
  @Test
  void splitAndSingleRunsAgree() {
    String sentence = "my card was charged twice for the same coffee and I would like a refund ";
    for (String text : List.of("short one", sentence, sentence.repeat(4), sentence.repeat(9))) {
      Encoded one = MiniLmModel.encode(text, MiniLmEmbedder.DIMENSION, MiniLmModel.Threads.ONE);
      Encoded two = MiniLmModel.encode(text, MiniLmEmbedder.DIMENSION, MiniLmModel.Threads.TWO);
      assertClose(text, one.vector(), two.vector());
      assertThat(two.tokens().pieces()).isEqualTo(one.tokens().pieces());
      assertClose(text + " tokens", one.tokens().rows(), two.tokens().rows());
    }
  }

  private static void assertClose(String what, float[] a, float[] b) {
    assertThat(b).hasSameSizeAs(a);
    for (int i = 0; i < a.length; i++) {
      assertThat(b[i]).as(what + " [" + i + "]").isCloseTo(a[i], Offset.offset(1e-5f));
    }
  }
}
