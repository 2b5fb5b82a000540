package io.nyx.export;

import io.nyx.memory.Embedder;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@link TrainingExport} over an {@link ExampleSource}. Each exchange the source streams becomes an
 * {@link Example} for the request's kind and goes, one at a time, through:
 *
 * <ol>
 *   <li>scrubbing: every text through the {@link Scrubber}, counting per rule;
 *   <li>exact duplicates: a 128-bit hash of its specialist (and label, for KTO), its turns without
 *       the system prompt and its completions; a repeat is left out (16 bytes per kept line held);
 *   <li>near duplicates: batches of {@value #BATCH}, their turns without the system prompt embedded
 *       together and compared with what was kept ({@link NearDuplicates});
 *   <li>the split ({@link Splitter}) and the line in the request's {@link Format}.
 * </ol>
 *
 * The source streams corrections first and answers best first, so of two near duplicates the
 * correction, or the better-rewarded answer, is the one kept. Thread-safe: each export has its own
 * state.
 */
public final class ExportPipeline implements TrainingExport {
  static final int BATCH = 64;

  private final ExampleSource source;
  private final ExportSettings settings;
  private final @Nullable Embedder embedder;
  private final @Nullable String baseModel;
  private final JsonEncoder json;

  /**
   * @param embedder embeds prompts for near duplicates; null leaves only exact duplicates out
   * @param baseModel the model the adapters are trained on, for the manifest (null: unknown)
   */
  public ExportPipeline(
      ExampleSource source,
      ExportSettings settings,
      @Nullable Embedder embedder,
      @Nullable String baseModel,
      JsonEncoder json) {
    this.source = source;
    this.settings = settings;
    this.embedder = embedder;
    this.baseModel = baseModel;
    this.json = json;
  }

  @Override
  public Report export(ExportRequest request, Outputs outputs) throws IOException {
    NearDuplicates near =
        settings.nearDuplicates() && embedder != null
            ? new NearDuplicates(
                embedder, settings.nearDuplicateThreshold(), NearDuplicates.EXACT_LIMIT)
            : null;
    try {
      Run run = new Run(request, outputs, near);
      source.read(request, run);
      return run.finish();
    } finally {
      if (near != null) {
        near.close();
      }
    }
  }

  /** A scrubbed example waiting for its batch's embeddings, with its scrub counts. */
  private record Pending(Example example, long[] scrubbed) {}

  /** One export's state. */
  private final class Run implements ExampleSource.Reader {
    private final ExportRequest request;
    private final Outputs outputs;
    private final @Nullable NearDuplicates near;
    private final Scrubber scrubber = new Scrubber(settings.scrub());
    private final Splitter splitter;
    private final Tally tally;
    private final Set<ExampleKey> seen = new HashSet<>();
    private final List<Pending> pending = new ArrayList<>();
    private final Map<Split, OutputStream> out = new EnumMap<>(Split.class);
    private Census census = Census.EMPTY;
    private long pairs;

    Run(ExportRequest request, Outputs outputs, @Nullable NearDuplicates near) {
      this.request = request;
      this.outputs = outputs;
      this.near = near;
      this.splitter = new Splitter(request.valShare(), request.seed());
      this.tally = new Tally(request, settings.scrub().size());
    }

    @Override
    public void begin(Census c) throws IOException {
      census = c;
      out.put(Split.TRAIN, outputs.open(Split.TRAIN));
      if (request.valShare() > 0) {
        out.put(Split.VALIDATION, outputs.open(Split.VALIDATION));
      }
    }

    @Override
    public void correction(Correction c) throws IOException {
      switch (request.kind()) {
        case SFT -> offer(Example.Demonstration.of(c));
        case PREFERENCES -> {
          if (c.answered() && !c.of().response().equals(c.text())) {
            offer(Example.Comparison.of(c));
          }
        }
        case KTO -> {
          offer(Example.Verdict.of(c));
          if (c.answered()) {
            offer(Example.Verdict.of(c.of(), false));
          }
        }
      }
    }

    @Override
    public void answer(Exchange e) throws IOException {
      switch (request.kind()) {
        case SFT -> offer(Example.Demonstration.of(e));
        case KTO -> offer(Example.Verdict.of(e, e.reward() >= request.minReward()));
        case PREFERENCES ->
            throw new IllegalStateException("a preferences export reads pairs, not answers");
      }
    }

    @Override
    public void pair(Exchange better, Exchange worse) throws IOException {
      pairs++;
      offer(Example.Comparison.of(better, worse));
    }

    private void offer(Example raw) throws IOException {
      long[] counts = new long[scrubber.rules().size()];
      Example e = raw.map(text -> scrubber.scrub(text, counts));
      if (!seen.add(ExampleKey.of(group(e), e))) {
        tally.drop("exact_duplicate");
        return;
      }
      pending.add(new Pending(e, counts));
      if (pending.size() >= BATCH) {
        flush();
      }
    }

    private void flush() throws IOException {
      if (pending.isEmpty()) {
        return;
      }
      boolean[] fresh = near == null ? null : admit(near);
      for (int i = 0; i < pending.size(); i++) {
        if (fresh != null && !fresh[i]) {
          tally.drop("near_duplicate");
        } else {
          write(pending.get(i));
        }
      }
      pending.clear();
    }

    private boolean[] admit(NearDuplicates n) {
      List<String> groups = new ArrayList<>(pending.size());
      List<String> texts = new ArrayList<>(pending.size());
      for (Pending p : pending) {
        groups.add(group(p.example()));
        texts.add(ExampleKey.conversationText(p.example()));
      }
      return n.admit(groups, texts);
    }

    private void write(Pending p) throws IOException {
      Split split = splitter.of(p.example().source());
      OutputStream o = out.get(split);
      if (o == null) {
        throw new IllegalStateException("write before begin: the source broke its contract");
      }
      o.write(json.encode(request.format().line(p.example())));
      o.write('\n');
      tally.written(p.example(), split, p.scrubbed());
    }

    Report finish() throws IOException {
      flush();
      String index = near == null ? "off" : near.mode();
      Report.Dedupe dedupe =
          new Report.Dedupe(
              settings.nearDuplicateThreshold(),
              index,
              near == null || embedder == null ? null : embedder.modelId());
      return tally.report(census, pairs, baseModel, settings.scrub(), dedupe);
    }
  }

  /** Near duplicates are looked for per specialist, and per label for KTO. */
  private static String group(Example e) {
    String specialist = e.source().specialist();
    String g = specialist == null ? "" : specialist;
    return e instanceof Example.Verdict v ? g + "\u0000" + v.desirable() : g;
  }
}
