package io.nyx.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CachingEmbedderTest {

  /** Encodes with one token row per word; counts the model runs. */
  static class CountingModel implements Embedder {
    final List<String> runs = new ArrayList<>();

    @Override
    public String modelId() {
      return "counting";
    }

    @Override
    public int dimension() {
      return 2;
    }

    @Override
    public float[] embed(String text) {
      return encode(text).vector();
    }

    @Override
    public Encoded encode(String text) {
      runs.add(text);
      List<String> words = List.of(text.split(" "));
      float[] rows = new float[words.size() * 2];
      for (int i = 0; i < words.size(); i++) {
        rows[2 * i] = 1;
      }
      return new Encoded(new float[] {1, 0}, new TokenVectors(rows, words, 2));
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
      return texts.stream().map(this::embed).toList();
    }
  }

  @Test
  void aQueryRunsThroughTheModelOnceWhicheverCallerAsksFirst() {
    CountingModel model = new CountingModel();
    CachingEmbedder cache = new CachingEmbedder(model, 16);
    // The risk screen (embed) asks before the router (encode), recall (embed) after.
    cache.embed("is my card blocked");
    assertThat(cache.encode("is my card blocked").tokens().pieces())
        .containsExactly("is", "my", "card", "blocked");
    cache.embed("is my card blocked");
    // The router first this time.
    cache.encode("reset my pin");
    cache.embed("reset my pin");
    assertThat(model.runs).containsExactly("is my card blocked", "reset my pin");
  }

  @Test
  void tokenVectorsAreKeptForFewerTextsThanSentenceVectors() {
    CountingModel model = new CountingModel();
    CachingEmbedder cache = new CachingEmbedder(model, 1024);
    for (int i = 0; i <= CachingEmbedder.ENCODED; i++) {
      cache.embed("text " + i);
    }
    cache.embed("text 0"); // its vector is still kept
    cache.encode("text 0"); // its tokens were evicted: one more run
    assertThat(model.runs).hasSize(CachingEmbedder.ENCODED + 2);
  }

  @Test
  void callersMissingTheSameTextAtOnceShareOneRun() throws Exception {
    java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    CountingModel model =
        new CountingModel() {
          @Override
          public Encoded encode(String text) {
            calls.incrementAndGet();
            running.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return super.encode(text);
          }
        };
    CachingEmbedder cache = new CachingEmbedder(model, 16);
    var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> cache.embed("same text"));
    running.await();
    var second =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> cache.encode("same text"));
    Thread.sleep(50); // the second caller is waiting for the first one's run
    release.countDown();
    assertThat(second.get().vector()).isSameAs(first.get());
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void aFailedRunFailsEveryCallerWaitingForItAndIsNotCached() {
    CountingModel model =
        new CountingModel() {
          @Override
          public Encoded encode(String text) {
            if (text.equals("bad")) {
              throw new IllegalStateException("model down");
            }
            return super.encode(text);
          }
        };
    CachingEmbedder cache = new CachingEmbedder(model, 16);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> cache.embed("bad"))
        .hasMessage("model down");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> cache.embed("bad"))
        .hasMessage("model down");
    assertThat(cache.embed("good")).containsExactly(1, 0);
  }
}
