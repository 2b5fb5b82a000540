package io.nyx.export;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes the stored requests as fine-tuning data, one JSON object per line (UTF-8), in the chat
 * formats TRL, axolotl and the OpenAI fine-tuning API read:
 *
 * <pre>
 *   SFT:         {"messages":[...the chat..., {"role":"assistant","content":...}], "metadata":{...}}
 *   preferences: {"prompt":[...], "chosen":[{"role":"assistant",...}],
 *                 "rejected":[{"role":"assistant",...}], "metadata":{...}}
 * </pre>
 *
 * {@code metadata} holds the row id(s), specialist, adapter, reward(s) and time, so a dataset can
 * be traced back to its rows.
 */
public interface TrainingExport {
  /**
   * Streams the lines to the sink's stream (opened once the data is found, so a failure to reach it
   * leaves nothing half-sent; not closed) and returns how many were written.
   */
  long write(ExportRequest request, Sink sink) throws IOException;

  /** Where the lines go, opened on first need. */
  @FunctionalInterface
  interface Sink {
    OutputStream open() throws IOException;
  }
}
