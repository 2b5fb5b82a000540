package io.nyx.export;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What makes two examples the same: the first 128 bits of SHA-256 over their group, their turns
 * without the system prompt (role and text) and their completions (and a KTO label), so two answers
 * to one question with different retrieved context are one example. 128 bits: a chance collision
 * among a billion examples is about 10^-21.
 */
record ExampleKey(long high, long low) {
  static ExampleKey of(String group, Example e) {
    MessageDigest d = sha256();
    field(d, group);
    for (Turn t : e.prompt()) {
      if (!t.isSystem()) {
        field(d, t.role());
        field(d, t.content());
      }
    }
    for (String c : e.completions()) {
      field(d, c);
    }
    if (e instanceof Example.Verdict v) {
      field(d, Boolean.toString(v.desirable()));
    }
    ByteBuffer h = ByteBuffer.wrap(d.digest());
    return new ExampleKey(h.getLong(), h.getLong());
  }

  /** The text whose embedding decides near duplicates: the turns without the system prompt. */
  static String conversationText(Example e) {
    StringBuilder b = new StringBuilder();
    for (Turn t : e.prompt()) {
      if (!t.isSystem()) {
        if (!b.isEmpty()) {
          b.append('\n');
        }
        b.append(t.content());
      }
    }
    return b.toString();
  }

  /** Length-prefixed, so ("ab", "c") and ("a", "bc") differ. */
  private static void field(MessageDigest d, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    d.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
    d.update(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
