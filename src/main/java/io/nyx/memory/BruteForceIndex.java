package io.nyx.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Exact search by scanning every vector: the reference that approximate indexes are tested against,
 * and fast enough for a few tens of thousands of memories. Vectors are kept in one growing float
 * array (row-major, {@code dimension} floats per row) with their owners beside them; a removal
 * moves the last row into the gap. The audience filter is applied to every row before ranking.
 */
public final class BruteForceIndex implements VectorIndex {
  private static final Comparator<Hit> WORST_FIRST =
      Comparator.comparingDouble(Hit::score).thenComparing(Hit::id, Comparator.reverseOrder());

  private final int dimension;
  private final Map<Long, Integer> rowOf = new HashMap<>();
  private float[] rows = new float[0];
  private long[] ids = new long[0];
  private Owner[] owners = new Owner[0];
  private int size;

  public BruteForceIndex(int dimension) {
    this.dimension = dimension;
  }

  @Override
  public synchronized void add(long id, float[] vector, Owner owner) {
    if (vector.length != dimension) {
      throw new IllegalArgumentException(
          "vector has " + vector.length + " dimensions, index has " + dimension);
    }
    Integer existing = rowOf.get(id);
    int row = existing != null ? existing : append(id);
    System.arraycopy(vector, 0, rows, row * dimension, dimension);
    owners[row] = owner;
  }

  private int append(long id) {
    if (size == ids.length) {
      int capacity = Math.max(16, size * 2);
      rows = Arrays.copyOf(rows, capacity * dimension);
      ids = Arrays.copyOf(ids, capacity);
      owners = Arrays.copyOf(owners, capacity);
    }
    ids[size] = id;
    rowOf.put(id, size);
    return size++;
  }

  @Override
  public synchronized void remove(long id) {
    Integer row = rowOf.remove(id);
    if (row == null) {
      return;
    }
    int last = --size;
    if (row != last) {
      System.arraycopy(rows, last * dimension, rows, row * dimension, dimension);
      ids[row] = ids[last];
      owners[row] = owners[last];
      rowOf.put(ids[row], row);
    }
  }

  @Override
  public synchronized List<Hit> search(float[] query, int k, Audience audience) {
    PriorityQueue<Hit> best = new PriorityQueue<>(WORST_FIRST);
    for (int r = 0; r < size && k > 0; r++) {
      if (!audience.sees(owners[r])) {
        continue;
      }
      best.add(new Hit(ids[r], VectorMath.dot(query, 0, rows, r * dimension, dimension)));
      if (best.size() > k) {
        best.poll();
      }
    }
    List<Hit> out = new ArrayList<>(best);
    out.sort(WORST_FIRST.reversed());
    return out;
  }

  @Override
  public synchronized int size() {
    return size;
  }
}
