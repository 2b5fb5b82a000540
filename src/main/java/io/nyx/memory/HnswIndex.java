package io.nyx.memory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.util.Bits;
import org.jspecify.annotations.Nullable;

/**
 * Approximate search with Lucene's HNSW graph (M = {@value #MAX_CONN}, beam width {@value
 * #BEAM_WIDTH}, dot product) in an {@link MMapDirectory}; chosen by measurement against FAISS (see
 * docs/memory.md). One document per id: the vector, the id as a term (for replace and delete) and
 * as a doc value (to read hits back), and its {@link Owner} as terms: {@code tenant}, {@code
 * session} (or {@code wide} for a tenant-wide record) and {@code shared}. An {@link Audience}
 * becomes a filter query over those terms, which Lucene applies inside the graph search (and
 * answers exactly when the filter matches few documents), so a small tenant among many still gets
 * its own best matches rather than what is left of everyone's.
 *
 * <p>Searches ask Lucene for {@code max(k, beam)} neighbours and keep the best {@code k}: in Lucene
 * the query's k is the HNSW search beam. The beam is fixed, or with {@link #BEAM_FOLLOWS_SIZE} it
 * grows with the number of vectors indexed ({@link #beamFor}). Writes become visible to the next
 * search (it reopens the near-real-time reader when something changed). {@link #commit} makes the
 * directory a snapshot that {@link #open} reuses, with the caller's progress marker in the commit
 * data.
 *
 * <p>Thread-safe. Without {@code --add-modules jdk.incubator.vector} it still works, about 2x
 * slower.
 */
public final class HnswIndex implements VectorIndex {
  static final int MAX_CONN = 16;
  static final int BEAM_WIDTH = 100;

  /** {@code efSearch} that makes the search beam follow the index size ({@link #beamFor}). */
  public static final int BEAM_FOLLOWS_SIZE = 0;

  /** The smallest beam a size-following index uses: recall@10 about 0.99 up to 20k vectors. */
  static final int MIN_FOLLOWING_BEAM = 100;

  /** The largest: the configured beam's own upper bound. */
  static final int MAX_FOLLOWING_BEAM = 10_000;

  /**
   * Indexing buffer: a quarter of the heap, in [{@value #MIN_RAM_BUFFER_MB}, {@value
   * #MAX_RAM_BUFFER_MB}] MB. Each flush of it becomes a segment with its own HNSW graph, and a
   * search visits every graph: 1M vectors restored through 256 MB made 17 segments and ~11 ms
   * searches. It fills only during bulk loads (a restore); normal writes are flushed small by each
   * search.
   */
  static final double MIN_RAM_BUFFER_MB = 64;

  static final double MAX_RAM_BUFFER_MB = 1024;
  private static final String VECTOR = "v";
  private static final String ID = "id";
  private static final String TENANT = "tenant";
  private static final String SESSION = "session";
  private static final String WIDE = "wide";
  private static final String SHARED = "shared";
  private static final String YES = "1";

  private final MMapDirectory directory;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final int dimension;
  private final int efSearch;
  private volatile boolean dirty;

  private HnswIndex(MMapDirectory directory, IndexWriter writer, int dimension, int efSearch)
      throws IOException {
    this.directory = directory;
    this.writer = writer;
    this.searchers = new SearcherManager(writer, null);
    this.dimension = dimension;
    this.efSearch = efSearch;
  }

  /**
   * Opens the index in {@code dir}, keeping what an earlier {@link #commit} left there, or creates
   * it.
   *
   * @throws UncheckedIOException when the directory cannot be used (e.g. locked by another process)
   */
  public static HnswIndex open(Path dir, int dimension, int efSearch) {
    MMapDirectory directory = null;
    try {
      directory = new MMapDirectory(dir);
      IndexWriterConfig config = new IndexWriterConfig().setCodec(new HnswCodec());
      config.setRAMBufferSizeMB(ramBufferMb(Runtime.getRuntime().maxMemory()));
      config.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
      // Only commit() writes a snapshot, so its marker always matches what it holds.
      config.setCommitOnClose(false);
      return new HnswIndex(directory, new IndexWriter(directory, config), dimension, efSearch);
    } catch (IOException e) {
      closeQuietly(directory);
      throw new UncheckedIOException("cannot open vector index in " + dir, e);
    }
  }

  static double ramBufferMb(long maxHeapBytes) {
    double quarter = maxHeapBytes / 4.0 / (1 << 20);
    return Math.clamp(quarter, MIN_RAM_BUFFER_MB, MAX_RAM_BUFFER_MB);
  }

  @Override
  public void add(long id, float[] vector, Owner owner) {
    if (vector.length != dimension) {
      throw new IllegalArgumentException(
          "vector has " + vector.length + " dimensions, index has " + dimension);
    }
    Document doc = new Document();
    doc.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT));
    doc.add(new StringField(ID, Long.toString(id), Field.Store.NO));
    doc.add(new NumericDocValuesField(ID, id));
    doc.add(new StringField(TENANT, owner.tenant(), Field.Store.NO));
    if (owner.session() == null) {
      doc.add(new StringField(WIDE, YES, Field.Store.NO));
    } else {
      doc.add(new StringField(SESSION, owner.session(), Field.Store.NO));
    }
    if (owner.shared()) {
      doc.add(new StringField(SHARED, YES, Field.Store.NO));
    }
    io(() -> writer.updateDocument(idTerm(id), doc));
    dirty = true;
  }

  @Override
  public void remove(long id) {
    io(() -> writer.deleteDocuments(idTerm(id)));
    dirty = true;
  }

  private static Term idTerm(long id) {
    return new Term(ID, Long.toString(id));
  }

  @Override
  public List<Hit> search(float[] query, int k, Audience audience) {
    if (k <= 0) {
      return List.of();
    }
    refreshIfDirty();
    try {
      IndexSearcher searcher = searchers.acquire();
      try {
        int beam = Math.max(k, beam(searcher));
        Query knn = new KnnFloatVectorQuery(VECTOR, query, beam, filter(audience));
        TopDocs top = searcher.search(knn, beam);
        return hits(searcher, top, k);
      } finally {
        searchers.release(searcher);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("vector search failed", e);
    }
  }

  private int beam(IndexSearcher searcher) {
    return efSearch == BEAM_FOLLOWS_SIZE ? beamFor(searcher.getIndexReader().numDocs()) : efSearch;
  }

  /** The beam the next search uses. */
  public int beam() {
    refreshIfDirty();
    try {
      IndexSearcher searcher = searchers.acquire();
      try {
        return beam(searcher);
      } finally {
        searchers.release(searcher);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("vector index size failed", e);
    }
  }

  /**
   * The beam of a size-following index holding {@code size} vectors: {@code 0.4·√size}, at least
   * {@value #MIN_FOLLOWING_BEAM} (up to 62,500 vectors) and at most {@value #MAX_FOLLOWING_BEAM}.
   * The search cost of a fixed recall grows with the graph, and the measured points (384-d
   * clustered vectors, recall@10) are 0.99 at 20k with 100 and 0.88 / 0.94 / 0.96 at 1M with 100 /
   * 200 / 400: the root puts 400 at 1M, 800 at 4M, for about 7 % fewer searches per second at 1M
   * than 100 (docs/memory.md).
   */
  static int beamFor(int size) {
    double beam = Math.ceil(0.4 * Math.sqrt(Math.max(0, size)));
    return (int) Math.clamp(beam, MIN_FOLLOWING_BEAM, MAX_FOLLOWING_BEAM);
  }

  /** The Lucene filter of what {@code audience} may see; null for everything. */
  static @Nullable Query filter(Audience audience) {
    return switch (audience) {
      case Audience.Everyone e -> null;
      case Audience.Tenant t -> tenantFilter(t);
    };
  }

  /** shared OR (tenant AND (every session, or tenant-wide OR the caller's session)). */
  private static Query tenantFilter(Audience.Tenant t) {
    BooleanQuery.Builder own = new BooleanQuery.Builder();
    own.add(term(TENANT, t.tenant()), Occur.FILTER);
    if (!t.allSessions()) {
      BooleanQuery.Builder sessions = new BooleanQuery.Builder();
      sessions.add(term(WIDE, YES), Occur.SHOULD);
      if (t.session() != null) {
        sessions.add(term(SESSION, t.session()), Occur.SHOULD);
      }
      own.add(sessions.build(), Occur.FILTER);
    }
    return new BooleanQuery.Builder()
        .add(term(SHARED, YES), Occur.SHOULD)
        .add(own.build(), Occur.SHOULD)
        .build();
  }

  private static Query term(String field, String value) {
    return new TermQuery(new Term(field, value));
  }

  private void refreshIfDirty() {
    if (dirty) {
      dirty = false; // cleared first: a write racing with the refresh sets it again
      io(searchers::maybeRefreshBlocking);
    }
  }

  /** Lucene's DOT_PRODUCT score is {@code (1 + dot) / 2}; hits carry the dot product. */
  private static List<Hit> hits(IndexSearcher searcher, TopDocs top, int k) throws IOException {
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    List<Hit> out = new ArrayList<>(Math.min(k, top.scoreDocs.length));
    for (ScoreDoc sd : top.scoreDocs) {
      if (out.size() == k) {
        break;
      }
      LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(sd.doc, leaves));
      out.add(new Hit(idOf(leaf, sd.doc - leaf.docBase), 2.0 * sd.score - 1.0));
    }
    out.sort(
        (a, b) ->
            a.score() != b.score()
                ? Double.compare(b.score(), a.score())
                : Long.compare(a.id(), b.id()));
    return out;
  }

  private static long idOf(LeafReaderContext leaf, int doc) throws IOException {
    NumericDocValues ids = leaf.reader().getNumericDocValues(ID);
    if (ids == null || !ids.advanceExact(doc)) {
      throw new IllegalStateException("document " + doc + " has no id");
    }
    return ids.longValue();
  }

  @Override
  public int size() {
    refreshIfDirty();
    try {
      IndexSearcher searcher = searchers.acquire();
      try {
        return searcher.getIndexReader().numDocs();
      } finally {
        searchers.release(searcher);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("vector index size failed", e);
    }
  }

  /** Calls {@code action} with every id in the index (after the latest write), in no order. */
  public void forEachId(LongConsumer action) {
    io(searchers::maybeRefreshBlocking);
    try {
      IndexSearcher searcher = searchers.acquire();
      try {
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
          forEachId(leaf, action);
        }
      } finally {
        searchers.release(searcher);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("listing of vector ids failed", e);
    }
  }

  private static void forEachId(LeafReaderContext leaf, LongConsumer action) throws IOException {
    NumericDocValues ids = leaf.reader().getNumericDocValues(ID);
    Bits live = leaf.reader().getLiveDocs();
    if (ids == null) {
      return;
    }
    for (int doc = ids.nextDoc(); doc != NumericDocValues.NO_MORE_DOCS; doc = ids.nextDoc()) {
      if (live == null || live.get(doc)) {
        action.accept(ids.longValue());
      }
    }
  }

  /**
   * Makes the current state durable, with {@code data} (string pairs) readable by {@link
   * #commitData}.
   */
  public synchronized void commit(Map<String, String> data) {
    writer.setLiveCommitData(new HashMap<>(data).entrySet());
    io(writer::commit);
  }

  /** What the last {@link #commit} stored, or an empty map for a new index. */
  public Map<String, String> commitData() {
    try {
      if (!DirectoryReader.indexExists(directory)) {
        return Map.of();
      }
      Map<String, String> data = new HashMap<>();
      writer.getLiveCommitData().forEach(e -> data.put(e.getKey(), e.getValue()));
      return data;
    } catch (IOException e) {
      throw new UncheckedIOException("reading of vector index commit data failed", e);
    }
  }

  /** Removes every vector (e.g. when a snapshot does not match the database). */
  public void clear() {
    io(writer::deleteAll);
    dirty = true;
  }

  /** Merges segments into at most {@code segments}, after a bulk load (faster searches). */
  public void forceMerge(int segments) {
    io(() -> writer.forceMerge(segments));
    dirty = true;
  }

  @Override
  public void close() {
    try {
      searchers.close();
      writer.close();
      directory.close();
    } catch (IOException e) {
      throw new UncheckedIOException("closing of vector index failed", e);
    }
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private static void io(IoAction action) {
    try {
      action.run();
    } catch (IOException e) {
      throw new UncheckedIOException("vector index write failed", e);
    }
  }

  private static void closeQuietly(@Nullable MMapDirectory directory) {
    if (directory != null) {
      try {
        directory.close();
      } catch (IOException ignored) {
        // already failing to open; the first error is the one reported
      }
    }
  }

  /** The default codec with the HNSW parameters pinned (reading needs no custom codec). */
  private static final class HnswCodec extends Lucene104Codec {
    private final KnnVectorsFormat hnsw = new Lucene99HnswVectorsFormat(MAX_CONN, BEAM_WIDTH);

    @Override
    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
      return hnsw;
    }
  }
}
