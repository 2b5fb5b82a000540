package io.nyx.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.memory.Embedder;
import io.nyx.memory.MiniLmEmbedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileExemplarCacheTest {
  @TempDir Path dir;

  /** Deterministic 8-d vectors from the text's hash; counts what it was asked to embed. */
  static final class CountingEmbedder implements Embedder {
    final List<String> embedded = new ArrayList<>();
    final String model;

    CountingEmbedder(String model) {
      this.model = model;
    }

    @Override
    public String modelId() {
      return model;
    }

    @Override
    public int dimension() {
      return 8;
    }

    @Override
    public float[] embed(String text) {
      embedded.add(text);
      float[] v = new float[8];
      java.util.Random r = new java.util.Random(text.hashCode());
      for (int i = 0; i < 8; i++) {
        v[i] = (float) r.nextGaussian();
      }
      return v;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
      return texts.stream().map(this::embed).toList();
    }
  }

  @Test
  void secondStartEmbedsNothingAndGivesTheSameVectors() {
    List<String> texts = List.of("alpha", "beta", "gamma", "beta");
    CountingEmbedder first = new CountingEmbedder("m1");
    List<float[]> a = new FileExemplarCache(dir).embedAll(first, texts);
    assertThat(first.embedded).containsExactly("alpha", "beta", "gamma");

    CountingEmbedder second = new CountingEmbedder("m1");
    List<float[]> b = new FileExemplarCache(dir).embedAll(second, texts);
    assertThat(second.embedded).isEmpty();
    for (int i = 0; i < texts.size(); i++) {
      assertThat(b.get(i)).containsExactly(a.get(i));
      assertThat(b.get(i)).containsExactly(first.embed(texts.get(i)));
    }
  }

  @Test
  void onlyNewTextsAreEmbeddedAndAppended() {
    new FileExemplarCache(dir).embedAll(new CountingEmbedder("m1"), List.of("alpha"));
    CountingEmbedder e = new CountingEmbedder("m1");
    new FileExemplarCache(dir).embedAll(e, List.of("alpha", "delta"));
    assertThat(e.embedded).containsExactly("delta");
  }

  @Test
  void anotherModelHasItsOwnFile() {
    FileExemplarCache cache = new FileExemplarCache(dir);
    cache.embedAll(new CountingEmbedder("m1"), List.of("alpha"));
    CountingEmbedder other = new CountingEmbedder("m/2");
    cache.embedAll(other, List.of("alpha"));
    assertThat(other.embedded).containsExactly("alpha");
    assertThat(cache.file("m/2").getFileName().toString()).isEqualTo("embeddings-m_2.bin");
  }

  @Test
  void truncatedTailKeepsTheGoodRecordsAndIsRepaired() throws IOException {
    FileExemplarCache cache = new FileExemplarCache(dir);
    cache.embedAll(new CountingEmbedder("m1"), List.of("alpha", "beta"));
    Path file = cache.file("m1");
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 5)); // cut "beta" short

    CountingEmbedder e = new CountingEmbedder("m1");
    cache.embedAll(e, List.of("alpha", "beta"));
    assertThat(e.embedded).containsExactly("beta");
    assertThat(Files.size(file)).isEqualTo(bytes.length);
    CountingEmbedder again = new CountingEmbedder("m1");
    cache.embedAll(again, List.of("alpha", "beta"));
    assertThat(again.embedded).isEmpty();
  }

  @Test
  void corruptedFileIsIgnoredSafely() throws IOException {
    FileExemplarCache cache = new FileExemplarCache(dir);
    cache.embedAll(new CountingEmbedder("m1"), List.of("alpha"));
    Path file = cache.file("m1");
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 12] ^= 0x55; // a float of alpha's vector: checksum fails
    Files.write(file, bytes);
    CountingEmbedder e = new CountingEmbedder("m1");
    List<float[]> v = cache.embedAll(e, List.of("alpha"));
    assertThat(e.embedded).containsExactly("alpha");
    assertThat(v.getFirst()).containsExactly(e.embed("alpha"));

    Files.writeString(file, "not a cache at all", StandardOpenOption.TRUNCATE_EXISTING);
    CountingEmbedder f = new CountingEmbedder("m1");
    cache.embedAll(f, List.of("alpha"));
    assertThat(f.embedded).containsExactly("alpha");
  }

  @Test
  void routerBuiltFromTheCacheDecidesLikeOneBuiltFresh() {
    List<io.nyx.specialist.SpecialistConfig> specs =
        List.of(
            PolicyRouterTest.specialist("a", List.of("one", "two", "three")),
            PolicyRouterTest.specialist("b", List.of("four", "five", "six")));
    RoutingSettings s = RoutingSettings.DEFAULT.withThreshold(0.01);
    CountingEmbedder e = new CountingEmbedder("m1");
    new SemanticRouter(e, specs, s, new FileExemplarCache(dir));
    CountingEmbedder warm = new CountingEmbedder("m1");
    SemanticRouter cached = new SemanticRouter(warm, specs, s, new FileExemplarCache(dir));
    assertThat(warm.embedded).isEmpty();
    SemanticRouter fresh = new SemanticRouter(new CountingEmbedder("m1"), specs, s);
    assertThat(cached.route("seven", java.util.Map.of()))
        .isEqualTo(fresh.route("seven", java.util.Map.of()));
  }

  @Test
  void tokenVectorsSurviveARestartUnchanged() {
    List<String> texts = List.of("what's my current bank balance", "I lost my debit card");
    try (MiniLmEmbedder model = new MiniLmEmbedder()) {
      List<io.nyx.memory.Encoded> first = new FileExemplarCache(dir).encodeAll(model, texts);
      Embedder offline =
          new Embedder() {
            @Override
            public String modelId() {
              return model.modelId();
            }

            @Override
            public int dimension() {
              return model.dimension();
            }

            @Override
            public float[] embed(String text) {
              throw new AssertionError("the cache should have had " + text);
            }

            @Override
            public List<float[]> embedAll(List<String> t) {
              throw new AssertionError("the cache should have had " + t);
            }
          };
      List<io.nyx.memory.Encoded> again = new FileExemplarCache(dir).encodeAll(offline, texts);
      for (int i = 0; i < texts.size(); i++) {
        assertThat(again.get(i).vector()).containsExactly(first.get(i).vector());
        assertThat(again.get(i).tokens().pieces())
            .isEqualTo(first.get(i).tokens().pieces())
            .isNotEmpty();
        assertThat(again.get(i).tokens().rows()).containsExactly(first.get(i).tokens().rows());
      }
    }
  }
}
