package io.nyx.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.memory.Embedder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NearDuplicatesTest {
  /** Texts are looked up in a table of unit vectors: the test decides every similarity. */
  static final class TableEmbedder implements Embedder {
    final Map<String, float[]> table = new HashMap<>();
    final int dimension;
    int calls;

    TableEmbedder(int dimension) {
      this.dimension = dimension;
    }

    @Override
    public String modelId() {
      return "table";
    }

    @Override
    public int dimension() {
      return dimension;
    }

    @Override
    public float[] embed(String text) {
      float[] v = table.get(text);
      if (v == null) {
        throw new IllegalArgumentException("no vector for " + text);
      }
      return v;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
      calls++;
      return texts.stream().map(this::embed).toList();
    }
  }

  static float[] unit(float[] v) {
    double n = 0;
    for (float x : v) {
      n += x * x;
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / Math.sqrt(n));
    }
    return out;
  }

  static float[] random(SplittableRandom r, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return unit(v);
  }

  /** {@code base} moved by noise of size {@code eps}: cosine about 1 / sqrt(1 + eps²). */
  static float[] near(SplittableRandom r, float[] base, double eps) {
    float[] v = new float[base.length];
    float[] noise = random(r, base.length);
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (base[i] + eps * noise[i]);
    }
    return unit(v);
  }

  @Test
  void aTextCloseToAKeptOneOfItsGroupIsADuplicateAlsoWithinOneBatch() {
    TableEmbedder e = new TableEmbedder(3);
    e.table.put("a", unit(new float[] {1, 0, 0}));
    e.table.put("a'", unit(new float[] {1, 0.2f, 0})); // cosine 0.98
    e.table.put("b", unit(new float[] {0, 1, 0}));
    e.table.put("c", unit(new float[] {1, 0.5f, 0})); // cosine 0.89 with a
    try (NearDuplicates near = new NearDuplicates(e, 0.95, 100)) {
      assertThat(near.admit(List.of("k", "k", "k", "k"), List.of("a", "a'", "b", "c")))
          .containsExactly(true, false, true, true);
      // Another group keeps its own "a"; the first group still knows its own.
      assertThat(near.admit(List.of("m", "k"), List.of("a'", "a"))).containsExactly(true, false);
      assertThat(e.calls).isEqualTo(2); // one embedding call per batch
      assertThat(near.mode()).isEqualTo("exact");
    }
  }

  /**
   * The slow oracle: the same stream decided with exact search throughout and with the HNSW graph
   * after 300 kept vectors. Clusters of near copies (cosine ≈ 0.99) among random vectors (cosine ≈
   * 0 in 64 dimensions): the graph must find the kept copy as the exact search does. A miss would
   * keep a duplicate; 1 in 200 is allowed.
   */
  @Test
  void theGraphDecidesAsTheExactSearchDoes() {
    SplittableRandom r = new SplittableRandom(42);
    TableEmbedder e = new TableEmbedder(64);
    List<String> texts = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      float[] base = random(r, 64);
      int copies = i % 3; // 0, 1 or 2 near copies, spread through the stream
      e.table.put("t" + i, base);
      texts.add("t" + i);
      groups.add("g" + (i % 4));
      for (int c = 0; c < copies; c++) {
        e.table.put("t" + i + "~" + c, near(r, base, 0.1));
      }
    }
    // The copies come after their original, later in the stream.
    List<String> streamTexts = new ArrayList<>(texts);
    List<String> streamGroups = new ArrayList<>(groups);
    for (int i = 0; i < 1500; i++) {
      for (int c = 0; c < i % 3; c++) {
        streamTexts.add("t" + i + "~" + c);
        streamGroups.add("g" + (i % 4));
      }
    }
    boolean[] exact = decide(e, streamGroups, streamTexts, Integer.MAX_VALUE, "exact");
    boolean[] graph = decide(e, streamGroups, streamTexts, 300, "hnsw");
    int agree = 0;
    int duplicates = 0;
    for (int i = 0; i < exact.length; i++) {
      if (exact[i] == graph[i]) {
        agree++;
      }
      if (!exact[i]) {
        duplicates++;
      }
    }
    assertThat(duplicates).isEqualTo(1500); // every copy, and nothing else, by the exact search
    assertThat(agree).isGreaterThanOrEqualTo(exact.length - exact.length / 200);
  }

  private static boolean[] decide(
      TableEmbedder e, List<String> groups, List<String> texts, int exactLimit, String mode) {
    boolean[] out = new boolean[texts.size()];
    try (NearDuplicates near = new NearDuplicates(e, 0.95, exactLimit)) {
      for (int from = 0; from < texts.size(); from += 64) {
        int to = Math.min(texts.size(), from + 64);
        boolean[] part = near.admit(groups.subList(from, to), texts.subList(from, to));
        System.arraycopy(part, 0, out, from, part.length);
      }
      assertThat(near.mode()).isEqualTo(mode);
    }
    return out;
  }
}
