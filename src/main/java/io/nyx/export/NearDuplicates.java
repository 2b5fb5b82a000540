package io.nyx.export;

import io.nyx.memory.Audience;
import io.nyx.memory.BruteForceIndex;
import io.nyx.memory.Embedder;
import io.nyx.memory.HnswIndex;
import io.nyx.memory.Owner;
import io.nyx.memory.VectorIndex;
import io.nyx.memory.VectorMath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Near-duplicate texts by embedding, decided in stream order: a text is a near duplicate when a
 * text kept before it in the same group (a specialist, say) has a cosine similarity of at least
 * {@code threshold} with it (the embedder's vectors have unit length, so the dot product is the
 * cosine); otherwise it is kept and remembered. Only kept texts' vectors are held, not the export:
 * exactly ({@link BruteForceIndex}) up to {@code exactLimit} of them, beyond that in an HNSW graph
 * on disk ({@link HnswIndex}, in a temporary directory deleted on {@link #close}), which finds a
 * neighbour that close almost always (the tests compare it with the exact search).
 *
 * <p>Texts come in batches ({@link #admit}): one embedding call per batch, each text checked
 * against the index as it stood before the batch and, exactly, against the batch's texts kept
 * before it; the batch's kept vectors then go into the index together (one index refresh per
 * batch). Not thread-safe.
 */
final class NearDuplicates implements AutoCloseable {
  /** Kept vectors searched exactly before the graph takes over (4096 × 384 floats = 6 MB). */
  static final int EXACT_LIMIT = 4096;

  /** The graph's search beam: at 0.95 cosine a neighbour is near enough that 100 finds it. */
  static final int EF_SEARCH = 100;

  private record Kept(long id, float[] vector, Owner owner) {}

  private final Embedder embedder;
  private final double threshold;
  private final int exactLimit;
  private final Map<String, Owner> owners = new HashMap<>();
  private VectorIndex index;
  private @Nullable List<Kept> exact = new ArrayList<>();
  private @Nullable Path dir;
  private long nextId;

  NearDuplicates(Embedder embedder, double threshold, int exactLimit) {
    this.embedder = embedder;
    this.threshold = threshold;
    this.exactLimit = exactLimit;
    this.index = new BruteForceIndex(embedder.dimension());
  }

  /**
   * Which of {@code texts} are new (true, and now kept) or near duplicates (false), in order;
   * {@code groups.get(i)} is the group of {@code texts.get(i)}.
   */
  boolean[] admit(List<String> groups, List<String> texts) {
    List<float[]> vectors = embedder.embedAll(texts);
    boolean[] fresh = new boolean[texts.size()];
    List<Kept> batch = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      Owner owner = owner(groups.get(i));
      float[] v = vectors.get(i);
      fresh[i] = !closeToIndex(v, owner) && !closeToBatch(v, owner, batch);
      if (fresh[i]) {
        batch.add(new Kept(nextId++, v, owner));
      }
    }
    for (Kept k : batch) {
      remember(k);
    }
    return fresh;
  }

  /** How kept vectors are searched now: {@code exact} or {@code hnsw}. */
  String mode() {
    return exact != null ? "exact" : "hnsw";
  }

  private boolean closeToIndex(float[] v, Owner owner) {
    List<VectorIndex.Hit> best = index.search(v, 1, Audience.Tenant.browse(owner.tenant()));
    return !best.isEmpty() && best.getFirst().score() >= threshold;
  }

  private boolean closeToBatch(float[] v, Owner owner, List<Kept> batch) {
    for (Kept k : batch) {
      if (k.owner().equals(owner) && VectorMath.dot(v, 0, k.vector(), 0, v.length) >= threshold) {
        return true;
      }
    }
    return false;
  }

  private void remember(Kept k) {
    index.add(k.id(), k.vector(), k.owner());
    List<Kept> held = exact;
    if (held != null) {
      held.add(k);
      if (held.size() >= exactLimit) {
        toGraph(held);
      }
    }
  }

  /** Moves the kept vectors into an HNSW graph in a temporary directory. */
  private void toGraph(List<Kept> held) {
    Path d;
    try {
      d = Files.createTempDirectory("nyx-export-duplicates");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for the duplicate index", e);
    }
    dir = d;
    HnswIndex graph = HnswIndex.open(d, embedder.dimension(), EF_SEARCH);
    for (Kept k : held) {
      graph.add(k.id(), k.vector(), k.owner());
    }
    index.close();
    index = graph;
    exact = null;
  }

  /** Each group is a tenant of the index, so a search sees only its own group. */
  private Owner owner(String group) {
    return owners.computeIfAbsent(group, g -> Owner.of("g" + owners.size()));
  }

  @Override
  public void close() {
    index.close();
    Path d = dir;
    if (d != null) {
      try (Stream<Path> files = Files.walk(d)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete the duplicate index in " + d, e);
      }
    }
  }
}
