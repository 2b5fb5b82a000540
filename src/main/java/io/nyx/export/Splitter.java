package io.nyx.export;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Puts each example on one side of the train/validation split by its conversation ({@link
 * Exchange#conversation}), so a conversation never lands on both sides and the same rows with the
 * same seed split the same way every time, whatever else the export holds: with {@code h} the first
 * 8 bytes of SHA-256(seed as 8 bytes big-endian · tenant · U+0000 · conversation) read as an
 * unsigned number, the example is for validation when {@code h / 2^64 < share}. Not thread-safe
 * (one digest, reused).
 */
final class Splitter {
  private final double share;
  private final long seed;
  private final MessageDigest sha256;

  Splitter(double share, long seed) {
    this.share = share;
    this.seed = seed;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  Split of(Exchange e) {
    if (share == 0) {
      return Split.TRAIN;
    }
    return fraction(e.tenant(), e.conversation()) < share ? Split.VALIDATION : Split.TRAIN;
  }

  /** The conversation's place in [0, 1). */
  double fraction(String tenant, String conversation) {
    sha256.reset();
    sha256.update(ByteBuffer.allocate(Long.BYTES).putLong(seed).array());
    sha256.update(tenant.getBytes(StandardCharsets.UTF_8));
    sha256.update((byte) 0);
    sha256.update(conversation.getBytes(StandardCharsets.UTF_8));
    long h = ByteBuffer.wrap(sha256.digest()).getLong();
    return (h >>> 11) * 0x1.0p-53; // the top 53 bits: exact in a double
  }
}
