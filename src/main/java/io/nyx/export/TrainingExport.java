package io.nyx.export;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes the stored requests as fine-tuning data ({@link ExportRequest}), one JSON object per line
 * (UTF-8) in a {@link Format} that TRL, axolotl or OpenAI's fine-tuning API reads, cleaned on the
 * way: secrets and personal data scrubbed, exact and near duplicates left out, split into training
 * and validation parts by conversation. The {@link Report} says what was written, what was left out
 * and why: the manifest's content.
 *
 * <p>Retraining one specialist (the self-repair loop): {@code export(ExportRequest.retraining(kind,
 * specialist, since), outputs)}: its corrections and good answers as anchors, and with {@code
 * PREFERENCES} or {@code KTO} its corrected and poor answers as the rejected side.
 */
public interface TrainingExport {
  /**
   * Streams the lines to each part's stream, opened once the data is found (so a failure to reach
   * it leaves nothing half-sent; not closed here): {@link Split#TRAIN} always, {@link
   * Split#VALIDATION} only when the request has a validation share.
   */
  Report export(ExportRequest request, Outputs outputs) throws IOException;

  /**
   * Streams every line, of both parts, to the sink's stream (opened once the data is found; not
   * closed) and returns how many were written.
   */
  default long write(ExportRequest request, Sink sink) throws IOException {
    OutputStream[] opened = {null};
    Report report =
        export(
            request,
            split -> {
              if (opened[0] == null) {
                opened[0] = sink.open();
              }
              return opened[0];
            });
    return report.total();
  }

  /** Where the lines go, opened on first need. */
  @FunctionalInterface
  interface Sink {
    OutputStream open() throws IOException;
  }

  /** Where each part's lines go; each part is opened at most once. */
  @FunctionalInterface
  interface Outputs {
    OutputStream open(Split split) throws IOException;
  }
}
