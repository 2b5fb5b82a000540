package io.nyx.export;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes the stored requests as fine-tuning data, one JSON object per line (UTF-8), in the chat
 * formats TRL, axolotl and the OpenAI fine-tuning API read:
 *
 * <pre>
 *   SFT:         {"messages":[...prompt..., {"role":"assistant","content":...}], "metadata":{...}}
 *   preferences: {"prompt":[...], "chosen":[{"role":"assistant",...}],
 *                 "rejected":[{"role":"assistant",...}], "metadata":{...}}
 * </pre>
 *
 * {@code metadata} holds the row id(s), specialist, adapter, reward(s) and time, so a dataset can
 * be traced back to its rows.
 */
public interface TrainingExport {
  /** Streams the lines to {@code out} (not closed) and returns how many were written. */
  long write(ExportRequest request, OutputStream out) throws IOException;
}
