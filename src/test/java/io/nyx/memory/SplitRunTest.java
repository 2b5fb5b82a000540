package io.nyx.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Runs split over two threads: the same vectors, and the gate's choice is what runs. */
class SplitRunTest {
  private static final String SENTENCE =
      "my card was charged twice for the same coffee and I would like a refund ";

  @Test
  void splitAndSingleRunsAgree() {
    assumeTrue(Runtime.getRuntime().availableProcessors() > 1, "one core: nothing to split");
    for (String text : List.of("short one", SENTENCE, SENTENCE.repeat(4), SENTENCE.repeat(9))) {
      Encoded one = OnnxModel.encode(LocalModel.MINILM, text, false);
      Encoded two = OnnxModel.encode(LocalModel.MINILM, text, true);
      assertClose(text, one.vector(), two.vector());
      assertThat(two.tokens().pieces()).isEqualTo(one.tokens().pieces());
      assertClose(text + " tokens", one.tokens().rows(), two.tokens().rows());
    }
  }

  @Test
  void aLoneLongTextSplitsOnceTheGateHasTimedASingleRun() {
    assumeTrue(Runtime.getRuntime().availableProcessors() > 1, "one core: nothing to split");
    SplitGate gate = new SplitGate(System::nanoTime);
    String longText = SENTENCE.repeat(5);
    Encoded first = OnnxModel.encode(LocalModel.MINILM, longText, gate);
    assertThat(gate.splitRuns()).as("the first run is timed on one thread").isZero();
    OnnxModel.encode(LocalModel.MINILM, "a short question", gate);
    assertThat(gate.splitRuns()).as("short texts stay on one thread").isZero();
    Encoded second = OnnxModel.encode(LocalModel.MINILM, longText, gate);
    assertThat(gate.splitRuns()).isEqualTo(1);
    assertClose("gated", first.vector(), second.vector());
    OnnxModel.encode(LocalModel.MINILM, longText, null);
    assertThat(gate.splitRuns()).as("without a gate nothing splits").isEqualTo(1);
  }

  private static void assertClose(String what, float[] a, float[] b) {
    assertThat(b).hasSameSizeAs(a);
    for (int i = 0; i < a.length; i++) {
      assertThat(b[i]).as(what + " [" + i + "]").isCloseTo(a[i], Offset.offset(1e-5f));
    }
  }
}
