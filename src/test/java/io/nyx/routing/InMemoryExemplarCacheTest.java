package io.nyx.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.memory.Encoded;
import io.nyx.testing.WordEmbedder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-memory exemplar cache of offline replays: each text embedded once, answers in order. */
class InMemoryExemplarCacheTest {
  @Test
  void eachTextIsEmbeddedOnceAndAnswersComeInOrder() {
    List<String> asked = new ArrayList<>();
    WordEmbedder words = new WordEmbedder();
    io.nyx.memory.Embedder counting =
        new io.nyx.memory.Embedder() {
          @Override
          public String modelId() {
            return words.modelId();
          }

          @Override
          public int dimension() {
            return words.dimension();
          }

          @Override
          public float[] embed(String text) {
            asked.add(text);
            return words.embed(text);
          }

          @Override
          public List<float[]> embedAll(List<String> texts) {
            return texts.stream().map(this::embed).toList();
          }
        };
    ExemplarCache cache = ExemplarCache.inMemory();

    cache.encodeAll(counting, List.of("alpha", "beta"));
    List<Encoded> again = cache.encodeAll(counting, List.of("beta", "gamma", "alpha", "gamma"));

    assertThat(asked).containsExactly("alpha", "beta", "gamma");
    assertThat(again.get(0).vector()).isEqualTo(words.embed("beta"));
    assertThat(again.get(1).vector()).isEqualTo(words.embed("gamma"));
    assertThat(again.get(2).vector()).isEqualTo(words.embed("alpha"));
    assertThat(again.get(3)).isSameAs(again.get(1));
  }
}
