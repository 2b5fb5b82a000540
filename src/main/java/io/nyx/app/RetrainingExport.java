package io.nyx.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.nyx.adapter.AdapterVersion;
import io.nyx.adapter.Retraining;
import io.nyx.export.ExportRequest;
import io.nyx.export.TrainingExport;
import io.nyx.fs.PrivateFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Self-repair's retraining export: when an active version is taken out, the specialist's recent
 * exchanges are written as training data under {@code DATA_DIR/retrain/<specialist>-<time>/}
 * through the ordinary {@link TrainingExport} (so its formats and filters are the ones used here):
 *
 * <ul>
 *   <li>{@code sft.jsonl}: its good answers (reward ≥ {@link ExportRequest#DEFAULT_MIN_REWARD}),
 *       the anchors that keep what it did well;
 *   <li>{@code preferences.jsonl}: best against worst answer to the same conversation, which pairs
 *       the answers that went wrong (and those people rated down: ratings are in the rewards)
 *       against better ones;
 *   <li>{@code manifest.json}: which version failed, why, on which figures, the ids of its failed
 *       and poor answers in the window judged, and how many lines each file has.
 * </ul>
 *
 * The files are written on {@code executor}, off the deciding thread, to a directory only this user
 * may read (they hold queries and answers). A failure is logged; the repair stands.
 */
final class RetrainingExport implements Retraining {
  private static final Logger LOG = Logger.getLogger(RetrainingExport.class.getName());
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** How far back the exchanges go. */
  static final Duration LOOKBACK = Duration.ofDays(30);

  private final TrainingExport export;
  private final Path root;
  private final InstantSource clock;
  private final Executor executor;

  RetrainingExport(TrainingExport export, Path root, InstantSource clock, Executor executor) {
    this.export = export;
    this.root = root;
    this.clock = clock;
    this.executor = executor;
  }

  @Override
  public String prepare(
      AdapterVersion failed, String reason, Map<String, Object> figures, List<String> poor) {
    Instant now = clock.instant();
    Path dir = root.resolve(failed.specialist() + "-" + STAMP.format(now));
    executor.execute(() -> write(dir, failed, reason, figures, poor, now));
    return dir.toString();
  }

  private void write(
      Path dir,
      AdapterVersion failed,
      String reason,
      Map<String, Object> figures,
      List<String> poor,
      Instant now) {
    try {
      PrivateFiles.directory(root);
      PrivateFiles.directory(dir);
      Instant since = now.minus(LOOKBACK);
      Map<String, Object> files = new LinkedHashMap<>();
      files.put(
          "sft.jsonl",
          file(dir.resolve("sft.jsonl"), request(ExportRequest.Kind.SFT, failed, since)));
      files.put(
          "preferences.jsonl",
          file(
              dir.resolve("preferences.jsonl"),
              request(ExportRequest.Kind.PREFERENCES, failed, since)));
      Map<String, Object> manifest = new LinkedHashMap<>();
      manifest.put("specialist", failed.specialist());
      manifest.put("failed_version", failed.version());
      manifest.put("failed_adapter", failed.name());
      manifest.put("reason", reason);
      manifest.put("figures", figures);
      manifest.put("poor_answer_ids", poor);
      manifest.put("since", since.toString());
      manifest.put("created_at", now.toString());
      manifest.put("lines", files);
      JSON.writeValue(dir.resolve("manifest.json").toFile(), manifest);
      LOG.info("retraining export for " + failed.specialist() + " written to " + dir);
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "retraining export for " + failed.specialist() + " failed", e);
    }
  }

  private static ExportRequest request(ExportRequest.Kind kind, AdapterVersion v, Instant since) {
    return new ExportRequest(
        kind,
        v.specialist(),
        since,
        ExportRequest.DEFAULT_MIN_REWARD,
        ExportRequest.DEFAULT_MIN_GAP,
        null);
  }

  private long file(Path file, ExportRequest request) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      return export.write(request, () -> out);
    }
  }
}
