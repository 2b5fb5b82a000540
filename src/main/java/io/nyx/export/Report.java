package io.nyx.export;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What one export wrote, left out and scrubbed: the content of its manifest ({@link #manifest}).
 *
 * @param baseModel the model the adapters are trained on, as the operator named it (null: unknown)
 * @param lines lines written per part (validation only when the request has a share)
 * @param bySpecialist lines per specialist ({@value #NO_SPECIALIST} for the base model's own
 *     answers) and part, by name
 * @param byOrigin lines whose completion was a stored {@code answer} or a rater's {@code
 *     correction}
 * @param rewardHistogram lines per reward bin: {@value #BINS} equal bins over [-1, 1], the last
 *     closed (a pair counts under its chosen answer's reward)
 * @param unrated lines without a reward (a correction's completion has none)
 * @param adapters the stored answers in the lines, per adapter and version that gave them
 * @param scrubbed replacements per scrub rule, in rule order (every rule listed)
 * @param dropped what was left out, per reason, in the order the export decides them
 */
public record Report(
    ExportRequest request,
    @Nullable String baseModel,
    Census census,
    Map<Split, Long> lines,
    Map<String, Map<Split, Long>> bySpecialist,
    Map<String, Long> byOrigin,
    List<Long> rewardHistogram,
    long unrated,
    List<SourceAdapter> adapters,
    List<ScrubRule> rules,
    Map<String, Long> scrubbed,
    Map<String, Long> dropped,
    Dedupe dedupe) {
  public static final int BINS = 10;
  public static final String NO_SPECIALIST = "(none)";

  /** Which adapter (and version, when rows record one) gave how many of the exported answers. */
  public record SourceAdapter(@Nullable String adapter, @Nullable Integer version, long answers) {}

  /**
   * How near duplicates were looked for.
   *
   * @param index {@code off} (threshold 1 or no embedder), {@code exact} or {@code hnsw}
   */
  public record Dedupe(double threshold, String index, @Nullable String embeddingModel) {}

  /** Outside lines mixed into the training part ({@code --mix}). */
  public record Mixed(String file, double ratio, long lines) {}

  /** Lines written in all parts. */
  public long total() {
    return lines.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * The manifest: this report plus the files written (and any outside lines mixed in), with a
   * SHA-256 over the whole data ({@code data_sha256}: of the text {@code "<split> <sha256>\n"} per
   * file, in the order given).
   */
  public Map<String, Object> manifest(
      List<ExportFile> files, @Nullable Mixed mixed, Instant exportedAt) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("nyx_export_manifest", 1);
    m.put("exported_at", exportedAt.toString());
    m.put("kind", request.kind().label());
    m.put("format", request.format().label());
    m.put("base_model", baseModel);
    m.put("request", requestTree());
    m.put("counts", counts());
    m.put("reward_histogram", histogram());
    m.put("source_adapters", adapterList());
    m.put("source_rows", sourceRows());
    m.put("filters", filters());
    m.put("scrubbed", scrubbed);
    m.put("dropped", dropped);
    if (mixed != null) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("file", mixed.file());
      x.put("ratio", mixed.ratio());
      x.put("lines", mixed.lines());
      m.put("mix", x);
    }
    List<Object> fileList = new ArrayList<>();
    StringBuilder all = new StringBuilder();
    for (ExportFile f : files) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("split", f.split().label());
      x.put("path", f.path());
      x.put("lines", f.lines());
      x.put("sha256", f.sha256());
      fileList.add(x);
      all.append(f.split().label()).append(' ').append(f.sha256()).append('\n');
    }
    m.put("files", fileList);
    m.put("data_sha256", sha256(all.toString()));
    return m;
  }

  private Map<String, Object> requestTree() {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("since", request.since().toString());
    r.put("specialist", request.specialist());
    r.put("tenant", request.tenant());
    switch (request.kind()) {
      case SFT -> r.put("min_reward", request.minReward());
      case PREFERENCES -> r.put("min_gap", request.minGap());
      case KTO -> {
        r.put("min_reward", request.minReward());
        r.put("max_reward", request.maxReward());
      }
    }
    r.put("val_share", request.valShare());
    r.put("seed", request.seed());
    return r;
  }

  private Map<String, Object> counts() {
    Map<String, Object> c = new LinkedHashMap<>();
    lines.forEach((split, n) -> c.put(split.label(), n));
    c.put("total", total());
    Map<String, Object> specialists = new LinkedHashMap<>();
    bySpecialist.forEach(
        (name, parts) -> {
          Map<String, Object> p = new LinkedHashMap<>();
          parts.forEach((split, n) -> p.put(split.label(), n));
          specialists.put(name, p);
        });
    c.put("by_specialist", specialists);
    c.put("by_origin", byOrigin);
    return c;
  }

  private Map<String, Object> histogram() {
    List<Object> edges = new ArrayList<>();
    for (int i = 0; i <= BINS; i++) {
      edges.add((i * 20 - BINS * 10) / (BINS * 10.0)); // -1.0, -0.8, ... 1.0, exact decimals
    }
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("edges", edges);
    h.put("counts", rewardHistogram);
    h.put("unrated", unrated);
    return h;
  }

  private List<Object> adapterList() {
    List<Object> out = new ArrayList<>();
    for (SourceAdapter a : adapters) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("adapter", a.adapter());
      x.put("version", a.version());
      x.put("answers", a.answers());
      out.add(x);
    }
    return out;
  }

  private Map<String, Object> sourceRows() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("requests", census.rows());
    s.put("corrections", census.corrections());
    return s;
  }

  private Map<String, Object> filters() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("failed", "left out");
    f.put("empty", "left out");
    f.put("fallback", "left out: the base model answered in place of a broken adapter");
    f.put("corrected", "replaced by the correction");
    f.put("exact_duplicates", "left out: same specialist, turns and completions after scrubbing");
    Map<String, Object> near = new LinkedHashMap<>();
    near.put("threshold", dedupe.threshold());
    near.put("index", dedupe.index());
    near.put("embedding_model", dedupe.embeddingModel());
    near.put("compared", "turns without the system prompt, per specialist (and label for kto)");
    f.put("near_duplicates", near);
    List<Object> scrub = new ArrayList<>();
    for (ScrubRule r : rules) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("name", r.name());
      x.put("placeholder", r.placeholder());
      x.put("check", r.check().label());
      x.put("pattern", r.pattern().pattern());
      scrub.add(x);
    }
    f.put("scrub", scrub);
    f.put(
        "subjective_memory", "only as retrieved context inside prompts, scrubbed; never a target");
    return f;
  }

  static String sha256(String text) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(d.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
