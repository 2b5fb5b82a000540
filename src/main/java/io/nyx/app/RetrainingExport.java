package io.nyx.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.nyx.adapter.AdapterVersion;
import io.nyx.adapter.Retraining;
import io.nyx.export.ExportRequest;
import io.nyx.export.Report;
import io.nyx.export.Split;
import io.nyx.export.TrainingExport;
import io.nyx.fs.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Self-repair's retraining export: when an active version is taken out, the specialist's exchanges
 * of the last {@link #LOOKBACK} are written as training data under {@code
 * DATA_DIR/retrain/<specialist>-<time>/} through the trainable export (the same filters, scrubbing,
 * duplicates, split and manifests as {@code nyx export --out}; docs/training.md), one export per
 * kind, each with a tenth of the conversations held out for validation and a manifest that {@code
 * training/train.py --export} takes as it is:
 *
 * <ul>
 *   <li>{@code sft.jsonl}: the corrections people gave, then the good answers as anchors;
 *   <li>{@code preferences.jsonl}: each correction over the answer it corrects, and the best over
 *       the worst answer to the same conversation (the answers that went wrong as the rejected
 *       side);
 *   <li>{@code kto.jsonl}: corrections and anchors as desirable; corrected answers and the answers
 *       that went wrong as undesirable;
 *   <li>each with {@code .val.jsonl} and {@code .manifest.json} (counts, reward histogram, filters,
 *       base model, the source adapter versions of the rows, hashes);
 *   <li>{@code retraining.json}: which version failed, why, on which figures, the ids of its failed
 *       and poor answers in the window judged, the thresholds, and each export's manifest, lines,
 *       data hash and source adapter versions.
 * </ul>
 *
 * "Went wrong" and "good" follow self-repair's own judgement ({@link ExportRequest#retraining(
 * ExportRequest.Kind, String, Instant, double)}): an answer below the failed version's history mean
 * less the allowed drop is never an anchor, and is undesirable for KTO. Answers the base model gave
 * in its place are left out, as in every export.
 *
 * <p>The files are written on {@code executor}, off the deciding thread, to a directory only this
 * user may read (they hold queries and answers), {@code retraining.json} last: when it exists, the
 * exports are complete. A failure is logged; the repair stands.
 */
final class RetrainingExport implements Retraining {
  private static final Logger LOG = Logger.getLogger(RetrainingExport.class.getName());
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** How far back the exchanges go. */
  static final Duration LOOKBACK = Duration.ofDays(30);

  /** Share of the conversations held out for validation, and the split's seed. */
  static final double VAL_SHARE = 0.1;

  static final long SEED = 0;

  /** The summary written after the exports. */
  static final String SUMMARY = "retraining.json";

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
      AdapterVersion failed,
      String reason,
      Map<String, Object> figures,
      double poorBelow,
      List<String> poor) {
    Instant now = clock.instant();
    Path dir = root.resolve(failed.specialist() + "-" + STAMP.format(now));
    Map<String, Object> frozen = new LinkedHashMap<>(figures); // the caller adds to its own
    List<String> ids = List.copyOf(poor);
    executor.execute(() -> write(dir, failed, reason, frozen, poorBelow, ids, now));
    return dir.toString();
  }

  private void write(
      Path dir,
      AdapterVersion failed,
      String reason,
      Map<String, Object> figures,
      double poorBelow,
      List<String> poor,
      Instant now) {
    try {
      PrivateFiles.directory(root);
      PrivateFiles.directory(dir);
      Instant since = now.minus(LOOKBACK);
      Map<String, Object> exports = new LinkedHashMap<>();
      ExportRequest any = null;
      for (ExportRequest.Kind kind : ExportRequest.Kind.values()) {
        ExportRequest request =
            ExportRequest.retraining(kind, failed.specialist(), since, poorBelow)
                .withValidation(VAL_SHARE, SEED);
        ExportFiles files = ExportFiles.privateAt(dir.resolve(kind.label() + ".jsonl"));
        ExportFiles.Written w = files.write(export, request, null, null, now);
        exports.put(kind.label(), summary(files, w));
        any = request;
      }
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("specialist", failed.specialist());
      s.put("failed_version", failed.version());
      s.put("failed_adapter", failed.name());
      s.put("reason", reason);
      s.put("figures", figures);
      s.put("poor_answer_ids", poor);
      s.put("since", since.toString());
      s.put("created_at", now.toString());
      if (any != null) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("poor_below", Double.isNaN(poorBelow) ? null : poorBelow);
        t.put("anchor_min_reward", any.minReward());
        t.put("undesirable_max_reward", any.maxReward());
        t.put("val_share", VAL_SHARE);
        t.put("seed", SEED);
        s.put("thresholds", t);
      }
      s.put("exports", exports);
      writeLast(dir, s);
      LOG.info("retraining export for " + failed.specialist() + " written to " + dir);
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "retraining export for " + failed.specialist() + " failed", e);
    }
  }

  /** One export as the summary lists it. */
  private static Map<String, Object> summary(ExportFiles files, ExportFiles.Written w) {
    Report r = w.report();
    Map<String, Object> m = new LinkedHashMap<>();
    Path manifest = files.manifest().getFileName();
    m.put("manifest", manifest == null ? "" : manifest.toString());
    Map<String, Object> lines = new LinkedHashMap<>();
    r.lines().forEach((Split split, Long n) -> lines.put(split.label(), n));
    m.put("lines", lines);
    m.put("by_origin", r.byOrigin());
    List<Object> adapters = new ArrayList<>();
    for (Report.SourceAdapter a : r.adapters()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("adapter", a.adapter());
      x.put("version", a.version());
      x.put("answers", a.answers());
      adapters.add(x);
    }
    m.put("source_adapters", adapters);
    m.put("data_sha256", w.dataSha256());
    return m;
  }

  /** Writes a temporary file in {@code dir}, then moves it into place: present means complete. */
  private static void writeLast(Path dir, Object tree) throws IOException {
    Path tmp = Files.createTempFile(dir, SUMMARY, ".part"); // 0600, like the directory's files
    try {
      Files.write(tmp, JSON.writeValueAsBytes(tree));
      Files.writeString(tmp, "\n", StandardOpenOption.APPEND);
      Files.move(tmp, dir.resolve(SUMMARY), StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
