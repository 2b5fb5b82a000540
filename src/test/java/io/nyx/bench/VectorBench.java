package io.nyx.bench;

import io.nyx.memory.BruteForceIndex;
import io.nyx.memory.HnswIndex;
import io.nyx.memory.Owner;
import io.nyx.memory.VectorIndex;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Mnemosyne's vector index against the exact reference, on seeded clustered unit vectors that it
 * also writes (little-endian float32: n·dim data, then q·dim queries, then q·10 exact ids) for
 * {@code bench/faiss_bench.py}, so FAISS runs on the same vectors. Single-threaded queries.
 *
 * <p>Run with {@code scripts/bench-memory [n=50000] [dim=384] [queries=1000] [spread=0.35]}: the
 * spread is the per-dimension noise around each of 200 cluster centres (0.35 gives nearest
 * neighbours at cosine ~0.9, like paraphrases in MiniLM space; 0.6 is much harder for any HNSW).
 */
public final class VectorBench {
  private VectorBench() {}

  public static void main(String[] args) throws IOException {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int dim = args.length > 1 ? Integer.parseInt(args[1]) : 384;
    int q = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
    double spread = args.length > 3 ? Double.parseDouble(args[3]) : 0;
    Path out = Path.of(args.length > 4 ? args[4] : "target/bench-vectors");
    SplittableRandom rng = new SplittableRandom(7);
    float[][] data;
    float[][] queries;
    if (spread > 0) {
      data = clustered(rng, n, dim, 200, spread);
      queries = clustered(rng, q, dim, 200, spread);
    } else {
      float[][] projection = gaussianMatrix(rng, LATENT, dim);
      float[][] centres = gaussianMatrix(rng, 200, LATENT);
      data = latent(rng, n, projection, centres);
      queries = latent(rng, q, projection, centres);
    }
    BruteForceIndex exact = new BruteForceIndex(dim);
    for (int i = 0; i < n; i++) {
      exact.add(i, data[i], Owner.of("bench"));
    }
    long[][] truth = new long[q][];
    long t0 = System.nanoTime();
    for (int i = 0; i < q; i++) {
      truth[i] = exact.search(queries[i], 10).stream().mapToLong(VectorIndex.Hit::id).toArray();
    }
    double bruteQps = q / ((System.nanoTime() - t0) / 1e9);
    write(out, data, queries, truth);
    Path dir = Files.createTempDirectory("nyx-bench-hnsw");
    long b0 = System.nanoTime();
    try (HnswIndex hnsw = HnswIndex.open(dir, dim, 100)) {
      for (int i = 0; i < n; i++) {
        hnsw.add(i, data[i], Owner.of("bench"));
      }
      hnsw.forceMerge(1);
      hnsw.commit(Map.of());
    }
    double build = (System.nanoTime() - b0) / 1e9;
    System.out.printf(
        "n=%d dim=%d queries=%d spread=%.2f (0 = latent) (one thread)%n", n, dim, q, spread);
    System.out.printf("%-28s recall@10 %.3f  %8.0f q/s%n", "java brute force", 1.0, bruteQps);
    for (int ef : new int[] {16, 40, 100, 200}) {
      run(dir, ef, queries, truth, build);
    }
  }

  private static void run(Path dir, int ef, float[][] queries, long[][] truth, double build) {
    try (HnswIndex hnsw = HnswIndex.open(dir, queries[0].length, ef)) {
      for (int warm = 0; warm < 2; warm++) {
        for (float[] query : queries) {
          hnsw.search(query, 10);
        }
      }
      int found = 0;
      long t0 = System.nanoTime();
      for (int i = 0; i < queries.length; i++) {
        found += overlap(hnsw.search(queries[i], 10), truth[i]);
      }
      double qps = queries.length / ((System.nanoTime() - t0) / 1e9);
      System.out.printf(
          "%-28s recall@10 %.3f  %8.0f q/s  (build %.1f s)%n",
          "lucene hnsw M=16 ef=" + ef, found / (10.0 * queries.length), qps, build);
    }
  }

  private static int overlap(List<VectorIndex.Hit> hits, long[] truth) {
    Set<Long> t = new HashSet<>();
    for (long id : truth) {
      t.add(id);
    }
    int c = 0;
    for (VectorIndex.Hit h : hits) {
      c += t.contains(h.id()) ? 1 : 0;
    }
    return c;
  }

  private static void write(Path out, float[][] data, float[][] queries, long[][] truth)
      throws IOException {
    Files.createDirectories(out);
    Files.writeString(
        out.resolve("shape.txt"), data.length + " " + data[0].length + " " + queries.length);
    writeFloats(out.resolve("data.f32"), data);
    writeFloats(out.resolve("queries.f32"), queries);
    try (DataOutputStream s =
        new DataOutputStream(Files.newOutputStream(out.resolve("truth.txt")))) {
      for (long[] row : truth) {
        StringBuilder sb = new StringBuilder();
        for (long id : row) {
          sb.append(id).append(' ');
        }
        s.writeBytes(sb.toString().strip() + "\n");
      }
    }
  }

  private static void writeFloats(Path file, float[][] rows) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(rows.length * rows[0].length * 4);
    buf.order(ByteOrder.LITTLE_ENDIAN);
    for (float[] row : rows) {
      for (float x : row) {
        buf.putFloat(x);
      }
    }
    Files.write(file, buf.array());
  }

  static final int LATENT = 24;

  private static float[][] gaussianMatrix(SplittableRandom rng, int rows, int cols) {
    float[][] m = new float[rows][cols];
    for (float[] row : m) {
      for (int c = 0; c < cols; c++) {
        row[c] = (float) rng.nextGaussian();
      }
    }
    return m;
  }

  /**
   * Sentence-embedding-like vectors: a mixture of 200 clusters in a {@value #LATENT}-dimensional
   * latent space, projected to {@code dim} dimensions, plus a little isotropic noise, normalised.
   * Real embeddings have a low intrinsic dimension; isotropic noise in all 384 dimensions makes
   * every point of a cluster nearly equidistant, which no HNSW handles well (see spread > 0).
   */
  private static float[][] latent(
      SplittableRandom rng, int n, float[][] projection, float[][] centres) {
    int dim = projection[0].length;
    float[][] out = new float[n][dim];
    for (int i = 0; i < n; i++) {
      float[] c = centres[rng.nextInt(centres.length)];
      double[] z = new double[LATENT];
      for (int l = 0; l < LATENT; l++) {
        z[l] = c[l] + 0.5 * rng.nextGaussian();
      }
      double norm = 0;
      for (int d = 0; d < dim; d++) {
        double v = 0.1 * rng.nextGaussian();
        for (int l = 0; l < LATENT; l++) {
          v += z[l] * projection[l][d] / Math.sqrt(LATENT);
        }
        out[i][d] = (float) v;
        norm += v * v;
      }
      for (int d = 0; d < dim; d++) {
        out[i][d] /= (float) Math.sqrt(norm);
      }
    }
    return out;
  }

  /** Unit vectors around 200 random centres; per-dimension noise {@code spread} (1 = centre). */
  private static float[][] clustered(
      SplittableRandom rng, int n, int dim, int clusters, double spread) {
    float[][] centres = new float[clusters][dim];
    for (float[] c : centres) {
      for (int d = 0; d < dim; d++) {
        c[d] = (float) rng.nextGaussian();
      }
    }
    float[][] out = new float[n][dim];
    for (int i = 0; i < n; i++) {
      float[] c = centres[rng.nextInt(clusters)];
      double norm = 0;
      for (int d = 0; d < dim; d++) {
        out[i][d] = c[d] + (float) (spread * rng.nextGaussian());
        norm += out[i][d] * out[i][d];
      }
      for (int d = 0; d < dim; d++) {
        out[i][d] /= (float) Math.sqrt(norm);
      }
    }
    return out;
  }
}
