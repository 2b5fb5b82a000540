package io.nyx.routing;

import io.nyx.fs.PrivateFiles;
import io.nyx.memory.Embedder;
import io.nyx.memory.Encoded;
import io.nyx.memory.TokenVectors;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * Exemplar vectors kept in {@code <dir>/embeddings-<model id>.bin}, so a restart embeds only new
 * texts. The file is append-only: a header (magic, version, model id, dimension), then records
 * {@code [int textBytes][utf-8 text][int payloadBytes][payload][long crc32 of text and payload]},
 * big-endian, where the payload is the sentence vector ({@code dim} floats), the number of token
 * vectors, their word pieces (modified UTF-8) and their rows ({@code count × dim} floats). Reading
 * stops at the first record that is short or fails its checksum (a crash mid-append), and the file
 * is cut back to the last good record before new ones are appended. A file whose header names
 * another model or dimension is replaced. A cache that cannot be written is not an error: the
 * vectors are still returned.
 *
 * <p>Thread-safe (one lock); meant for start-up, not for the request path.
 */
public final class FileExemplarCache implements ExemplarCache {
  private static final int MAGIC = 0x4e59_5845; // "NYXE"
  private static final int VERSION = 2; // 1 held sentence vectors only
  private static final int MAX_TEXT_BYTES = 1 << 20;
  private static final int MAX_PAYLOAD_BYTES = 64 << 20;

  private final Path dir;

  public FileExemplarCache(Path dir) {
    this.dir = dir;
  }

  /** The file for one model, e.g. {@code embeddings-all-minilm-l6-v2-q.bin}. */
  public Path file(String modelId) {
    return dir.resolve("embeddings-" + modelId.replaceAll("[^A-Za-z0-9._-]", "_") + ".bin");
  }

  @Override
  public synchronized List<Encoded> encodeAll(Embedder embedder, List<String> texts) {
    Path file = file(embedder.modelId());
    Loaded loaded = load(file, embedder.modelId(), embedder.dimension());
    List<String> missing =
        texts.stream().distinct().filter(t -> !loaded.vectors().containsKey(t)).toList();
    List<Encoded> fresh = missing.isEmpty() ? List.of() : embedder.encodeAll(missing);
    Map<String, Encoded> all = new HashMap<>(loaded.vectors());
    for (int i = 0; i < missing.size(); i++) {
      all.put(missing.get(i), fresh.get(i));
    }
    if (!missing.isEmpty()) {
      append(file, loaded, embedder, missing, fresh);
    }
    List<Encoded> out = new ArrayList<>(texts.size());
    texts.forEach(
        t -> out.add(copy(Objects.requireNonNull(all.get(t), "loaded or encoded just now"))));
    return out;
  }

  /**
   * What a read found: the vectors and the byte length of the valid prefix (0: no valid header).
   */
  record Loaded(Map<String, Encoded> vectors, long validBytes) {}

  private static Encoded copy(Encoded e) {
    TokenVectors t = e.tokens();
    return new Encoded(e.vector().clone(), new TokenVectors(t.rows().clone(), t.pieces(), t.dim()));
  }

  static Loaded load(Path file, String modelId, int dim) {
    Map<String, Encoded> vectors = new HashMap<>();
    if (!Files.isRegularFile(file)) {
      return new Loaded(vectors, 0);
    }
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
      long valid = header(in, modelId, dim);
      if (valid == 0) {
        return new Loaded(vectors, 0);
      }
      while (true) {
        long size = record(in, dim, vectors);
        if (size == 0) {
          return new Loaded(vectors, valid);
        }
        valid += size;
      }
    } catch (IOException e) {
      return new Loaded(new HashMap<>(), 0);
    }
  }

  /** Bytes of a matching header, or 0 when it is missing or for another model. */
  private static long header(DataInputStream in, String modelId, int dim) throws IOException {
    try {
      if (in.readInt() != MAGIC || in.readInt() != VERSION) {
        return 0;
      }
      String model = in.readUTF();
      int d = in.readInt();
      if (!model.equals(modelId) || d != dim) {
        return 0;
      }
      return 4 + 4 + 2 + model.getBytes(StandardCharsets.UTF_8).length + 4;
    } catch (EOFException e) {
      return 0;
    }
  }

  /** Reads one record into {@code vectors}; its byte size, or 0 at a short or corrupt record. */
  private static long record(DataInputStream in, int dim, Map<String, Encoded> vectors)
      throws IOException {
    try {
      int n = in.readInt();
      if (n < 0 || n > MAX_TEXT_BYTES) {
        return 0;
      }
      byte[] text = in.readNBytes(n);
      int m = text.length == n ? in.readInt() : -1;
      if (m < 0 || m > MAX_PAYLOAD_BYTES) {
        return 0;
      }
      byte[] payload = in.readNBytes(m);
      if (payload.length != m || in.readLong() != crc(text, payload)) {
        return 0;
      }
      vectors.put(new String(text, StandardCharsets.UTF_8), decode(payload, dim));
      return 4L + n + 4L + m + 8;
    } catch (EOFException e) {
      return 0;
    }
  }

  private static Encoded decode(byte[] payload, int dim) throws IOException {
    DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload));
    float[] vector = floats(in, dim);
    int count = in.readInt();
    List<String> pieces = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      pieces.add(in.readUTF());
    }
    float[] rows = floats(in, count * dim);
    return new Encoded(
        vector, count == 0 ? TokenVectors.NONE : new TokenVectors(rows, pieces, dim));
  }

  private static float[] floats(DataInputStream in, int n) throws IOException {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = in.readFloat();
    }
    return v;
  }

  private void append(
      Path file, Loaded loaded, Embedder embedder, List<String> texts, List<Encoded> vectors) {
    try {
      PrivateFiles.directory(dir);
      try (FileChannel ch =
          PrivateFiles.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        ch.truncate(loaded.validBytes());
      }
      try (OutputStream raw = Files.newOutputStream(file, StandardOpenOption.APPEND);
          DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw))) {
        if (loaded.validBytes() == 0) {
          out.writeInt(MAGIC);
          out.writeInt(VERSION);
          out.writeUTF(embedder.modelId());
          out.writeInt(embedder.dimension());
        }
        for (int i = 0; i < texts.size(); i++) {
          writeRecord(out, texts.get(i), vectors.get(i));
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // Best effort by contract: the next start embeds these texts again.
    }
  }

  private static void writeRecord(DataOutputStream out, String text, Encoded e) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    byte[] payload = encode(e);
    out.writeInt(bytes.length);
    out.write(bytes);
    out.writeInt(payload.length);
    out.write(payload);
    out.writeLong(crc(bytes, payload));
  }

  private static byte[] encode(Encoded e) throws IOException {
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(buf);
    for (float x : e.vector()) {
      out.writeFloat(x);
    }
    out.writeInt(e.tokens().count());
    for (String piece : e.tokens().pieces()) {
      out.writeUTF(piece);
    }
    for (float x : e.tokens().rows()) {
      out.writeFloat(x);
    }
    out.flush();
    return buf.toByteArray();
  }

  private static long crc(byte[] text, byte[] payload) {
    CRC32 crc = new CRC32();
    crc.update(text);
    crc.update(payload);
    return crc.getValue();
  }
}
