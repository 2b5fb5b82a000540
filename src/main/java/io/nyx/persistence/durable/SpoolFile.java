package io.nyx.persistence.durable;

import io.nyx.fs.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * An append-only file of frames {@code [length:int][crc32c:int][payload]}, each forced to disk
 * before {@link #append} returns. A frame cut short by a crash (or a full disk) fails its length or
 * checksum; {@link #readAll} stops there and {@link #truncateTo} drops the torn tail, so earlier
 * frames are never lost or corrupted. Not thread-safe: the owner serialises access.
 */
final class SpoolFile {
  static final int HEADER = 8;
  static final int MAX_FRAME = 64 << 20;

  private final Path path;

  SpoolFile(Path path) {
    this.path = path;
  }

  Path path() {
    return path;
  }

  void append(byte[] payload) throws IOException {
    PrivateFiles.directory(
        Objects.requireNonNull(path.getParent(), "a spool is a file in a directory"));
    ByteBuffer frame = frame(payload);
    // Mode 600: the spool holds queries and answers (PrivateFiles).
    try (FileChannel ch =
        PrivateFiles.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      long start = ch.size();
      try {
        while (frame.hasRemaining()) {
          ch.write(frame);
        }
        ch.force(false);
      } catch (IOException e) {
        ch.truncate(start); // leave no half frame behind (e.g. the disk filled up mid-write)
        throw e;
      }
    }
  }

  /** The valid frames in order, and the byte offset where they end. */
  record Contents(List<byte[]> frames, long validLength) {}

  Contents readAll() throws IOException {
    if (!Files.exists(path)) {
      return new Contents(List.of(), 0);
    }
    byte[] all = Files.readAllBytes(path);
    ByteBuffer buf = ByteBuffer.wrap(all);
    List<byte[]> frames = new ArrayList<>();
    while (buf.remaining() >= HEADER) {
      int start = buf.position();
      int len = buf.getInt();
      int crc = buf.getInt();
      if (len < 0 || len > MAX_FRAME || len > buf.remaining()) {
        buf.position(start);
        break;
      }
      byte[] payload = new byte[len];
      buf.get(payload);
      if (crc(payload) != crc) {
        buf.position(start);
        break;
      }
      frames.add(payload);
    }
    return new Contents(frames, buf.position());
  }

  /**
   * Replaces the contents by {@code frames}: written to a temporary file, forced, then renamed over
   * this one, so a crash leaves either every old frame or exactly the new ones.
   */
  void rewrite(List<byte[]> frames) throws IOException {
    if (frames.isEmpty()) {
      delete();
      return;
    }
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    try (FileChannel ch =
        PrivateFiles.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      for (byte[] f : frames) {
        ByteBuffer frame = frame(f);
        while (frame.hasRemaining()) {
          ch.write(frame);
        }
      }
      ch.force(false);
    }
    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  void truncateTo(long length) throws IOException {
    if (Files.exists(path)) {
      try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
        ch.truncate(length);
        ch.force(false);
      }
    }
  }

  void delete() throws IOException {
    Files.deleteIfExists(path);
  }

  private static ByteBuffer frame(byte[] payload) {
    ByteBuffer frame = ByteBuffer.allocate(HEADER + payload.length);
    frame.putInt(payload.length).putInt(crc(payload)).put(payload).flip();
    return frame;
  }

  private static int crc(byte[] payload) {
    CRC32C c = new CRC32C();
    c.update(payload);
    return (int) c.getValue();
  }
}
