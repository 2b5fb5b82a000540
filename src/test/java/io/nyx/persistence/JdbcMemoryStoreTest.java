package io.nyx.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.context.Memory;
import io.nyx.testing.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JdbcMemoryStoreTest {
  private static Database db;
  private static JdbcMemoryStore memories;

  @BeforeAll
  static void open() {
    db = TestDatabase.fresh();
    memories = new JdbcMemoryStore(db.dataSource());
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static float[] randomVector(long seed, int dim) {
    Random random = new Random(seed);
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) random.nextGaussian();
    }
    v[0] = Float.MIN_VALUE; // smallest subnormal: must survive the text round trip too
    v[1] = -0.1f;
    return v;
  }

  @Test
  void addAndAllRoundTripEveryFloatExactly() {
    float[] first = randomVector(1, 384);
    float[] second = randomVector(2, 384);
    Memory a =
        memories.add("the river in spring", first, Map.of("mood", "calm", "n", 3), "chat", "s1");
    Memory b = memories.add("a second memory", second, Map.of(), "import", null);

    List<Memory> all = memories.all();
    assertThat(all).extracting(Memory::id).containsSubsequence(a.id(), b.id());
    Memory readA = all.stream().filter(m -> m.id() == a.id()).findFirst().orElseThrow();
    assertThat(readA.embedding()).containsExactly(first);
    assertThat(readA.text()).isEqualTo("the river in spring");
    assertThat(readA.metadata()).isEqualTo(Map.of("mood", "calm", "n", 3));
    assertThat(readA.source()).isEqualTo("chat");
    assertThat(readA.sessionId()).isEqualTo("s1");
    assertThat(readA.createdAt()).isEqualTo(a.createdAt());
    Memory readB = all.stream().filter(m -> m.id() == b.id()).findFirst().orElseThrow();
    assertThat(readB.embedding()).containsExactly(second);
    assertThat(readB.sessionId()).isNull();
  }

  @Test
  void allIsOldestFirst() {
    Memory x = memories.add("x", new float[] {1f}, Map.of(), "t", null);
    Memory y = memories.add("y", new float[] {0f}, Map.of(), "t", null);
    List<Long> ids = memories.all().stream().map(Memory::id).toList();
    assertThat(ids).isSorted();
    assertThat(ids.indexOf(x.id())).isLessThan(ids.indexOf(y.id()));
  }

  @Test
  void embeddingsReadInBinaryEqualTheTextPathBitForBit() {
    Memory a = memories.add("binary one", randomVector(3, 384), Map.of(), "t", null);
    Memory b = memories.add("binary two", randomVector(4, 7), Map.of(), "t", null);
    Map<Long, float[]> viaText = new java.util.HashMap<>();
    memories.forEachAfter(a.id() - 1, m -> viaText.put(m.id(), m.embedding()));
    List<Long> order = new java.util.ArrayList<>();
    memories.forEachEmbeddingAfter(
        a.id() - 1,
        (id, v) -> {
          order.add(id);
          assertThat(v).containsExactly(viaText.get(id));
        });
    assertThat(order).containsExactly(a.id(), b.id());
    assertThat(viaText.get(a.id())).containsExactly(randomVector(3, 384));
  }

  @Test
  void countUpToMatchesTheIdsUpTo() {
    Memory c = memories.add("count one", new float[] {1f}, Map.of(), "t", null);
    Memory d = memories.add("count two", new float[] {0f}, Map.of(), "t", null);
    assertThat(memories.countUpTo(c.id())).isEqualTo(memories.idsUpTo(c.id()).length);
    long before = memories.countUpTo(d.id());
    memories.delete(c.id());
    assertThat(memories.countUpTo(d.id())).isEqualTo(before - 1);
    assertThat(memories.countUpTo(0)).isZero();
  }
}
