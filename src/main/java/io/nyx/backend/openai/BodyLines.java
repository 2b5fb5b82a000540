package io.nyx.backend.openai;

import io.nyx.backend.BackendException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The lines of a streamed body, read on the caller's thread under an idle {@link ReadWatch}.
 * Failures carry {@code afterFirstByte = true} once the reader has {@linkplain #eventSeen() seen an
 * event}: from then on a retry could repeat output the caller already received. Not thread-safe.
 */
final class BodyLines implements AutoCloseable {
  /** After [DONE], read at most this many lines so the connection can be reused. */
  private static final int MAX_DRAIN_LINES = 16;

  private final String url;
  private final BufferedReader reader;
  private final ReadWatch watch;
  private final long readTimeoutMs;
  private boolean eventSeen;

  BodyLines(String url, InputStream in, ReadWatch watch, long readTimeoutMs) {
    this.url = url;
    this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    this.watch = watch;
    this.readTimeoutMs = readTimeoutMs;
  }

  /** The next line without its terminator, or null at the end of the body. */
  @Nullable String next() throws BackendException {
    try {
      String line = reader.readLine();
      if (watch.expired()) {
        throw timeout();
      }
      watch.touch();
      return line;
    } catch (IOException e) {
      throw failure(e);
    }
  }

  void eventSeen() {
    eventSeen = true;
  }

  boolean afterFirstByte() {
    return eventSeen;
  }

  /** Reads what follows [DONE] (normally nothing) so the pooled connection stays usable. */
  void drain() {
    try {
      for (int i = 0; i < MAX_DRAIN_LINES && next() != null; i++) {
        // discard
      }
    } catch (BackendException e) {
      // The result is complete; a broken tail only costs the pooled connection.
    }
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      // Closing only releases the connection; the outcome was already decided.
    }
  }

  private BackendException timeout() {
    return new BackendException.Timeout(url, "read", readTimeoutMs, eventSeen);
  }

  private BackendException failure(IOException e) {
    if (watch.expired()) {
      return timeout();
    }
    if (Thread.currentThread().isInterrupted()) {
      return new BackendException.Unreachable(url, e);
    }
    return new BackendException.Malformed(url, "the stream broke off: " + e, eventSeen, e);
  }
}
