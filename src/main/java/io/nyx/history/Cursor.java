package io.nyx.history;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.UUID;

/**
 * Where a page of exchanges ended: the last row's {@code (created_at, id)}, the key the log is read
 * by, newest first. Keyset paging rather than offsets: a page is found by the index whatever its
 * depth, and rows recorded meanwhile neither shift nor repeat it. Sent to clients as an opaque
 * token.
 */
public record Cursor(Instant createdAt, UUID id) {

  /** The token for clients: URL-safe, no padding. */
  public String token() {
    String raw = createdAt + "|" + id;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * @throws IllegalArgumentException when {@code token} is not one {@link #token()} made
   */
  public static Cursor parse(String token) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      int bar = raw.indexOf('|');
      if (bar < 0) {
        throw new IllegalArgumentException("not a cursor");
      }
      return new Cursor(
          Instant.parse(raw.substring(0, bar)), UUID.fromString(raw.substring(bar + 1)));
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new IllegalArgumentException(
          "must be the next_cursor of an earlier page but was '" + token + "'", e);
    }
  }
}
