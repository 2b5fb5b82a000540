package io.nyx.persistence.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.context.Memory;
import io.nyx.context.MemoryFilter;
import io.nyx.memory.Owner;
import io.nyx.persistence.Database;
import io.nyx.testing.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JdbcMemoryStoreTest {
  static final Owner LOCAL = Owner.of(Owner.LOCAL);

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
        memories.add(
            "the river in spring",
            first,
            Map.of("mood", "calm", "n", 3),
            "chat",
            new Owner("acme", "s1", false));
    Memory b = memories.add("a second memory", second, Map.of(), "import", LOCAL);

    List<Memory> all = memories.all();
    assertThat(all).extracting(Memory::id).containsSubsequence(a.id(), b.id());
    Memory readA = all.stream().filter(m -> m.id() == a.id()).findFirst().orElseThrow();
    assertThat(readA.embedding()).containsExactly(first);
    assertThat(readA.text()).isEqualTo("the river in spring");
    assertThat(readA.metadata()).isEqualTo(Map.of("mood", "calm", "n", 3));
    assertThat(readA.source()).isEqualTo("chat");
    assertThat(readA.sessionId()).isEqualTo("s1");
    assertThat(readA.owner()).isEqualTo(new Owner("acme", "s1", false));
    assertThat(readA.createdAt()).isEqualTo(a.createdAt());
    Memory readB = all.stream().filter(m -> m.id() == b.id()).findFirst().orElseThrow();
    assertThat(readB.embedding()).containsExactly(second);
    assertThat(readB.sessionId()).isNull();
  }

  @Test
  void allIsOldestFirst() {
    Memory x = memories.add("x", new float[] {1f}, Map.of(), "t", LOCAL);
    Memory y = memories.add("y", new float[] {0f}, Map.of(), "t", LOCAL);
    List<Long> ids = memories.all().stream().map(Memory::id).toList();
    assertThat(ids).isSorted();
    assertThat(ids.indexOf(x.id())).isLessThan(ids.indexOf(y.id()));
  }

  @Test
  void embeddingsReadInBinaryEqualTheTextPathBitForBit() {
    Memory a = memories.add("binary one", randomVector(3, 384), Map.of(), "t", LOCAL);
    Memory b = memories.add("binary two", randomVector(4, 7), Map.of(), "t", LOCAL);
    Map<Long, float[]> viaText = new java.util.HashMap<>();
    memories.forEachAfter(a.id() - 1, m -> viaText.put(m.id(), m.embedding()));
    List<Long> order = new java.util.ArrayList<>();
    memories.forEachEmbeddingAfter(
        a.id() - 1,
        (id, v, owner) -> {
          order.add(id);
          assertThat(v).containsExactly(viaText.get(id));
        });
    assertThat(order).containsExactly(a.id(), b.id());
    assertThat(viaText.get(a.id())).containsExactly(randomVector(3, 384));
  }

  @Test
  void countUpToMatchesTheIdsUpTo() {
    Memory c = memories.add("count one", new float[] {1f}, Map.of(), "t", LOCAL);
    Memory d = memories.add("count two", new float[] {0f}, Map.of(), "t", LOCAL);
    assertThat(memories.countUpTo(c.id())).isEqualTo(memories.idsUpTo(c.id()).length);
    long before = memories.countUpTo(d.id());
    memories.delete(c.id());
    assertThat(memories.countUpTo(d.id())).isEqualTo(before - 1);
    assertThat(memories.countUpTo(0)).isZero();
  }

  @Test
  void aTextIsStoredOncePerTenantNotOnceOverall() {
    float[] v = randomVector(5, 8);
    Memory mine = memories.add("my PIN is 4921", v, Map.of(), "chat", Owner.of("tenant-a"));
    Memory again = memories.add("my PIN is 4921", v, Map.of(), "chat", Owner.of("tenant-a"));
    Memory theirs = memories.add("my PIN is 4921", v, Map.of(), "chat", Owner.of("tenant-b"));
    assertThat(again.id()).isEqualTo(mine.id());
    assertThat(theirs.id()).isNotEqualTo(mine.id());
    assertThat(theirs.owner().tenant()).isEqualTo("tenant-b");
    assertThat(memories.existing(List.of("my PIN is 4921", "other"), "tenant-a"))
        .containsExactly("my PIN is 4921");
    assertThat(memories.existing(List.of("my PIN is 4921"), "tenant-c")).isEmpty();
  }

  @Test
  void ownersRoundTripThroughTheIndexFeed() {
    Memory shared =
        memories.add("shared fact", new float[] {1f}, Map.of(), "t", new Owner("ops", null, true));
    Map<Long, Owner> owners = new java.util.HashMap<>();
    memories.forEachEmbeddingAfter(shared.id() - 1, (id, v, owner) -> owners.put(id, owner));
    assertThat(owners).containsEntry(shared.id(), new Owner("ops", null, true));
  }

  @Test
  void aFilteredDeleteStaysInsideItsTenant() {
    Memory a =
        memories.add(
            "session note a", new float[] {1f}, Map.of(), "t", new Owner("tenant-x", "s9", false));
    Memory b =
        memories.add(
            "session note b", new float[] {1f}, Map.of(), "t", new Owner("tenant-y", "s9", false));
    assertThat(memories.delete(new MemoryFilter("tenant-x", "s9", null))).containsExactly(a.id());
    assertThat(memories.find(b.id())).isPresent();
    assertThat(memories.delete(new MemoryFilter(null, "s9", null))).containsExactly(b.id());
  }
}
