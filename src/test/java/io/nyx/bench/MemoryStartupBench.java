package io.nyx.bench;

import io.nyx.context.MemorySnapshot;
import io.nyx.memory.HnswIndex;
import io.nyx.memory.Owner;
import io.nyx.memory.VectorIndex;
import io.nyx.persistence.Database;
import io.nyx.persistence.embedded.EmbeddedPostgresServer;
import io.nyx.persistence.jdbc.JdbcMemoryStore;
import io.nyx.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * How long a replica takes to bring Mnemosyne's vector index up with N memories in PostgreSQL, and
 * what it holds in memory. Fills {@code nyx_subjective_memory} (Nyx's own embedded PostgreSQL under
 * {@code work/}, kept between runs) with N synthetic unit 384-d vectors by binary COPY (no
 * embedding), then times the production start path ({@link HnswIndex#open} + {@link
 * MemorySnapshot#restore}):
 *
 * <ol>
 *   <li>baseline: streaming every row's vector out of PostgreSQL without indexing;
 *   <li>cold: no snapshot, index everything;
 *   <li>warm: reopen the snapshot with 0 rows added since it was saved;
 *   <li>warm: reopen it after {@code added} more rows (and 1% of the old ones deleted).
 * </ol>
 *
 * <p>After the cold build it checks recall@10 of {@value #QUERIES} queries against exact search
 * over the same generated vectors, so a fast start that lost the index would show. Run with {@code
 * scripts/bench-memory-startup [n] [added] [work dir]}; then {@code scripts/bench-memory-startup
 * server [work dir]} times the real server on the same database and snapshot ({@link ServerStart}).
 */
public final class MemoryStartupBench {
  static final int DIM = 384;
  static final int LATENT = 24;
  static final int CLUSTERS = 1_000;
  static final int QUERIES = 50;
  static final int COPY_BATCH = 50_000;
  static final long SEED = 11;
  static final int THREADS =
      Integer.getInteger("nyx.bench.threads", Runtime.getRuntime().availableProcessors());

  private MemoryStartupBench() {}

  public static void main(String[] args) throws Exception {
    java.util.logging.LogManager.getLogManager().reset(); // PostgreSQL and Flyway start-up chatter
    if (args.length > 0 && args[0].equals("server")) {
      ServerStart.run(
          Path.of(args.length > 1 ? args[1] : "target/bench-memory-startup").toAbsolutePath());
      return;
    }
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int added = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    Path work = Path.of(args.length > 2 ? args[2] : "target/bench-memory-startup").toAbsolutePath();
    System.out.printf(
        "n=%d dim=%d added=%d cores=%d index threads=%d max heap=%d MB%n",
        n, DIM, added, Runtime.getRuntime().availableProcessors(), THREADS, maxHeapMb());
    // The bench truncates, copies with triggers off and vacuums: the owner's work, not the
    // serving role's (which Database.embedded's pool runs as).
    try (Database embedded = Database.embedded(work);
        Database db =
            Database.external(
                embedded.jdbcUrl(),
                EmbeddedPostgresServer.SUPERUSER,
                Files.readString(work.resolve("db-owner-password")).strip())) {
      Generator gen = new Generator(SEED);
      fillIfNeeded(db, gen, n);
      JdbcMemoryStore store = new JdbcMemoryStore(db.dataSource());
      Path dir = work.resolve("memory-index");
      TestDatabase.deleteRecursively(dir);
      memory("before indexing");
      time("baseline: stream all rows, no index", () -> count(store));
      time("cold: no snapshot, index all rows", () -> restore(dir, store));
      memory("after cold start (index open)");
      recall(dir, gen, n);
      time("warm: snapshot, 0 rows added", () -> restore(dir, store));
      memory("after warm start (index open)");
      Generator more = new Generator(SEED + 1);
      time("insert " + added + " rows + delete 1%", () -> change(db, more, added, n));
      time("warm: snapshot, " + added + " rows added, 1% deleted", () -> restore(dir, store));
      time("warm again: 0 rows added", () -> restore(dir, store));
      System.out.printf("index on disk: %d MB%n", du(dir) >> 20);
      time("undo the changes in database and snapshot", () -> undo(db, n, added, dir));
    }
  }

  /** The start path of {@code Memories}: open, restore (commits), close. */
  private static String restore(Path dir, JdbcMemoryStore store) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    try (HnswIndex index = HnswIndex.open(dir, DIM, 100)) {
      long max = new MemorySnapshot(index, Generator.MODEL, DIM, THREADS).restore(store);
      return "max id " + max + ", " + index.size() + " vectors, " + segments(dir) + " segments";
    }
  }

  private static String count(JdbcMemoryStore store) {
    long[] rows = new long[1];
    store.forEachEmbeddingAfter(0, (id, v, owner) -> rows[0]++);
    return rows[0] + " rows";
  }

  private static void recall(Path dir, Generator gen, int n) {
    float[][] queries = new Generator(SEED + 2).next(QUERIES);
    long[][] truth = exactTop10(gen, n, queries);
    for (int ef : new int[] {100, 200, 400, HnswIndex.BEAM_FOLLOWS_SIZE}) {
      try (HnswIndex index = HnswIndex.open(dir, DIM, ef)) {
        String beam = ef == HnswIndex.BEAM_FOLLOWS_SIZE ? "auto (" + index.beam() + ")" : "" + ef;
        for (float[] q : queries) {
          index.search(q, 10); // warm up
        }
        long t0 = System.nanoTime();
        int found = 0;
        for (int i = 0; i < queries.length; i++) {
          found += overlap(index.search(queries[i], 10), truth[i]);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
            "%-52s recall@10 %.3f, %.0f queries/s (one thread)%n",
            "search after cold start, ef=" + beam,
            found / (10.0 * queries.length),
            queries.length / s);
      }
    }
  }

  /** Regenerates the n vectors (same seed) and keeps each query's 10 best ids (= row ids). */
  private static long[][] exactTop10(Generator gen, int n, float[][] queries) {
    gen.reset();
    long[][] best = new long[queries.length][10];
    double[][] score = new double[queries.length][10];
    for (double[] s : score) {
      Arrays.fill(s, Double.NEGATIVE_INFINITY);
    }
    for (int id = 1; id <= n; id++) {
      float[] v = gen.next();
      for (int q = 0; q < queries.length; q++) {
        insert(best[q], score[q], id, dot(v, queries[q]));
      }
    }
    return best;
  }

  private static void insert(long[] ids, double[] scores, long id, double s) {
    int i = scores.length - 1;
    if (s <= scores[i]) {
      return;
    }
    while (i > 0 && scores[i - 1] < s) {
      scores[i] = scores[i - 1];
      ids[i] = ids[i - 1];
      i--;
    }
    scores[i] = s;
    ids[i] = id;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static int overlap(List<VectorIndex.Hit> hits, long[] truth) {
    Set<Long> t = new HashSet<>();
    for (long id : truth) {
      t.add(id);
    }
    return (int) hits.stream().filter(h -> t.contains(h.id())).count();
  }

  /** Rows 1..n hold vectors 1..n of the generator (ids restart at 1 after a refill). */
  private static void fillIfNeeded(Database db, Generator gen, int n) throws SQLException {
    long have = scalar(db, "SELECT count(*) FROM nyx_subjective_memory");
    long max = scalar(db, "SELECT coalesce(max(id), 0) FROM nyx_subjective_memory");
    if (have == n && max == n) {
      System.out.printf("reusing %d rows already in %s%n", n, db.jdbcUrl());
      return;
    }
    long t0 = System.nanoTime();
    exec(db, "TRUNCATE nyx_subjective_memory RESTART IDENTITY");
    copy(db, gen, 1, n);
    exec(db, "VACUUM ANALYZE nyx_subjective_memory");
    System.out.printf(
        "%-52s %8.1f s  (%d rows, binary COPY, then VACUUM ANALYZE)%n",
        "fill", (System.nanoTime() - t0) / 1e9, n);
  }

  /** Rows past the snapshot, and deletions of old rows, as if made while this replica was down. */
  private static String change(Database db, Generator gen, int added, int n) {
    try {
      long first = scalar(db, "SELECT coalesce(max(id), 0) FROM nyx_subjective_memory") + 1;
      copy(db, gen, first, added);
      exec(db, "DELETE FROM nyx_subjective_memory WHERE id <= " + n + " AND id % 100 = 7");
      return "";
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Deletes the added rows and puts the deleted ones back with their ids and vectors, in the
   * database and in the snapshot alike (re-used ids are something Nyx never does: its restore would
   * not notice them), so the next run and {@link ServerStart} start from n rows, indexed.
   */
  private static String undo(Database db, int n, int added, Path dir) throws SQLException {
    exec(db, "DELETE FROM nyx_subjective_memory WHERE id > " + n);
    try (HnswIndex index = HnswIndex.open(dir, DIM, 100)) {
      for (long id = n + 1; id <= n + added; id++) {
        index.remove(id);
      }
      Generator regen = new Generator(SEED);
      for (long id = 1; id <= n; id++) {
        float[] v = regen.next();
        if (id % 100 == 7) {
          index.add(id, v, Owner.of("bench"));
        }
      }
      new MemorySnapshot(index, Generator.MODEL, DIM, 1).save(n);
    }
    Generator gen = new Generator(SEED);
    exec(db, "ALTER TABLE nyx_subjective_memory DISABLE TRIGGER nyx_memory_changed");
    try (Connection c = db.dataSource().getConnection()) {
      CopyIn in =
          c.unwrap(PGConnection.class)
              .getCopyAPI()
              .copyIn(
                  "COPY nyx_subjective_memory (id, text, embedding, source) FROM STDIN (FORMAT"
                      + " binary)");
      byte[] header = header();
      in.writeToCopy(header, 0, header.length);
      for (long id = 1; id <= n; id++) {
        float[] v = gen.next();
        if (id % 100 == 7) {
          byte[] row = row(id, "synthetic memory " + id, v);
          in.writeToCopy(row, 0, row.length);
        }
      }
      in.writeToCopy(new byte[] {-1, -1}, 0, 2);
      in.endCopy();
    } finally {
      exec(db, "ALTER TABLE nyx_subjective_memory ENABLE TRIGGER nyx_memory_changed");
    }
    exec(db, "SELECT setval('nyx_subjective_memory_id_seq', " + n + ")");
    exec(db, "VACUUM ANALYZE nyx_subjective_memory");
    return "";
  }

  /** Binary COPY with the notify trigger off (a bulk load; no replica listens here). */
  private static void copy(Database db, Generator gen, long firstTextNo, int rows)
      throws SQLException {
    exec(db, "ALTER TABLE nyx_subjective_memory DISABLE TRIGGER nyx_memory_changed");
    try (Connection c = db.dataSource().getConnection()) {
      for (int done = 0; done < rows; done += COPY_BATCH) {
        int batch = Math.min(COPY_BATCH, rows - done);
        CopyIn in =
            c.unwrap(PGConnection.class)
                .getCopyAPI()
                .copyIn(
                    "COPY nyx_subjective_memory (text, embedding, source) FROM STDIN (FORMAT"
                        + " binary)");
        byte[] header = header();
        in.writeToCopy(header, 0, header.length);
        for (int i = 0; i < batch; i++) {
          byte[] row = row(0, "synthetic memory " + (firstTextNo + done + i), gen.next());
          in.writeToCopy(row, 0, row.length);
        }
        in.writeToCopy(new byte[] {-1, -1}, 0, 2);
        in.endCopy();
      }
    } finally {
      exec(db, "ALTER TABLE nyx_subjective_memory ENABLE TRIGGER nyx_memory_changed");
    }
  }

  private static byte[] header() {
    byte[] sig = "PGCOPY\n\377\r\n\0".getBytes(StandardCharsets.ISO_8859_1);
    return ByteArrays.concat(sig, new byte[8]); // flags 0, extension length 0
  }

  /** One tuple: id (when > 0), text, real[] (PostgreSQL's binary array format), source. */
  private static byte[] row(long id, String text, float[] v) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(20 + 8 * v.length + 64);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeShort(id > 0 ? 4 : 3);
      if (id > 0) {
        out.writeInt(8);
        out.writeLong(id);
      }
      byte[] t = text.getBytes(StandardCharsets.UTF_8);
      out.writeInt(t.length);
      out.write(t);
      out.writeInt(20 + 8 * v.length);
      out.writeInt(1); // dimensions
      out.writeInt(0); // no nulls
      out.writeInt(700); // float4
      out.writeInt(v.length);
      out.writeInt(1); // lower bound
      for (float x : v) {
        out.writeInt(4);
        out.writeFloat(x);
      }
      byte[] s = "bench".getBytes(StandardCharsets.UTF_8);
      out.writeInt(s.length);
      out.write(s);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e); // in-memory stream
    }
  }

  private static long scalar(Database db, String sql) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void exec(Database db, String sql) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private interface Step {
    String run() throws Exception;
  }

  private static void time(String label, Step step) throws Exception {
    long t0 = System.nanoTime();
    String detail = step.run();
    System.out.printf("%-52s %8.2f s  %s%n", label, (System.nanoTime() - t0) / 1e9, detail);
  }

  private static void memory(String when) {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    System.out.printf(
        "%-52s heap used after GC %d MB; %s%n",
        "memory " + when, (rt.totalMemory() - rt.freeMemory()) >> 20, rss());
  }

  private static String rss() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
      return String.join(
          ", ",
          lines
              .filter(
                  l -> l.startsWith("VmRSS") || l.startsWith("RssAnon") || l.startsWith("RssFile"))
              .map(l -> l.replaceAll("\\s+", " "))
              .toList());
    } catch (IOException e) {
      return "RSS unknown";
    }
  }

  private static long maxHeapMb() {
    return Runtime.getRuntime().maxMemory() >> 20;
  }

  private static long segments(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".si")).count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static long du(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static final class ByteArrays {
    static byte[] concat(byte[] a, byte[] b) {
      byte[] out = Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, out, a.length, b.length);
      return out;
    }
  }

  /**
   * Sentence-embedding-like unit vectors, streamed: a mixture of {@value #CLUSTERS} clusters in a
   * {@value #LATENT}-d latent space projected to {@value #DIM} dimensions plus a little isotropic
   * noise (as {@code VectorBench}'s default). Deterministic per seed; {@link #reset} replays it.
   */
  static final class Generator {
    static final String MODEL = "bench-synthetic";
    private final long seed;
    private final float[][] projection = new float[LATENT][DIM];
    private final float[][] centres = new float[CLUSTERS][LATENT];
    private SplittableRandom rng;

    Generator(long seed) {
      this.seed = seed;
      reset();
    }

    void reset() {
      rng = new SplittableRandom(seed);
      fill(projection);
      fill(centres);
    }

    private void fill(float[][] m) {
      for (float[] row : m) {
        for (int c = 0; c < row.length; c++) {
          row[c] = (float) rng.nextGaussian();
        }
      }
    }

    float[][] next(int count) {
      float[][] out = new float[count][];
      for (int i = 0; i < count; i++) {
        out[i] = next();
      }
      return out;
    }

    float[] next() {
      float[] c = centres[rng.nextInt(CLUSTERS)];
      double[] z = new double[LATENT];
      for (int l = 0; l < LATENT; l++) {
        z[l] = (c[l] + 0.5 * rng.nextGaussian()) / Math.sqrt(LATENT);
      }
      float[] v = new float[DIM];
      double norm = 0;
      for (int d = 0; d < DIM; d++) {
        double x = 0.1 * rng.nextGaussian();
        for (int l = 0; l < LATENT; l++) {
          x += z[l] * projection[l][d];
        }
        v[d] = (float) x;
        norm += x * x;
      }
      float inv = (float) (1 / Math.sqrt(norm));
      for (int d = 0; d < DIM; d++) {
        v[d] *= inv;
      }
      return v;
    }
  }
}
