package io.nyx.export;

import java.io.IOException;

/**
 * The stored exchanges an export draws on, streamed: whoever implements it holds a page of rows at
 * a time, never the table.
 */
public interface ExampleSource {
  /**
   * Reads what {@code request} draws on from one consistent snapshot, calling {@code reader} on the
   * caller's thread: {@link Reader#begin} once, with the census, when the data is found; then
   * {@link Reader#correction} for every correction in scope (oldest first); then, by the request's
   * kind:
   *
   * <ul>
   *   <li>SFT: {@link Reader#answer} for every usable answer (see {@link Census}) whose reward is
   *       at least {@code min_reward}, best first;
   *   <li>KTO: {@link Reader#answer} for every usable answer whose reward is at least {@code
   *       min_reward} or at most {@code max_reward}, best first;
   *   <li>preferences: {@link Reader#pair} for the best and worst usable answers of each
   *       conversation of one specialist and tenant whose rewards differ by {@code min_gap} or more
   *       and whose texts differ, oldest first.
   * </ul>
   *
   * @throws IOException when the reader throws it (the read stops)
   * @throws RuntimeException a storage failure, before or after {@code begin}
   */
  void read(ExportRequest request, Reader reader) throws IOException;

  /** Where the exchanges go. */
  interface Reader {
    void begin(Census census) throws IOException;

    void correction(Correction c) throws IOException;

    void answer(Exchange e) throws IOException;

    void pair(Exchange better, Exchange worse) throws IOException;
  }
}
