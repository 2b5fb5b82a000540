package io.nyx.export;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How an {@link Example} becomes one JSON line: a tree of maps (keys in insertion order), lists,
 * strings, numbers, booleans and nulls that the caller encodes. Two families:
 *
 * <ul>
 *   <li>{@link Trl}: TRL's conversational records (also read by axolotl) plus a {@code metadata}
 *       object that traces the line to its rows (TRL and {@code datasets} carry extra columns
 *       along; the training recipe drops them):
 *       <pre>
 *   SFT          {"messages":[...prompt, {"role":"assistant",...}], "metadata":{...}}
 *   preferences  {"prompt":[...], "chosen":[{assistant}], "rejected":[{assistant}], "metadata":{...}}
 *   KTO          {"prompt":[...], "completion":[{assistant}], "label":true|false, "metadata":{...}}
 * </pre>
 *   <li>{@link OpenAi}: exactly the keys OpenAI's fine-tuning line schemas document and nothing
 *       else (no {@code metadata}: neither schema has such a key, and how its validator treats an
 *       unknown one is not documented; docs/training.md):
 *       <pre>
 *   SFT          {"messages":[...prompt, {"role":"assistant",...}]}
 *   preferences  {"input":{"messages":[...]}, "preferred_output":[{assistant}],
 *                 "non_preferred_output":[{assistant}]}
 * </pre>
 *       OpenAI has no unpaired (KTO) format; {@link ExportRequest} refuses the combination.
 * </ul>
 */
public sealed interface Format {
  Format TRL = new Trl();
  Format OPENAI = new OpenAi();

  /** The line for {@code e}. */
  Map<String, Object> line(Example e);

  /** Its name in flags, parameters and manifests: {@code trl} or {@code openai}. */
  String label();

  /** Whether this format has lines of {@code kind}. */
  boolean supports(ExportRequest.Kind kind);

  /** The format named {@code label}, or empty. */
  static java.util.Optional<Format> of(String label) {
    return switch (label) {
      case "trl" -> java.util.Optional.of(TRL);
      case "openai" -> java.util.Optional.of(OPENAI);
      default -> java.util.Optional.empty();
    };
  }

  /** TRL's conversational records with Nyx's {@code metadata}. */
  record Trl() implements Format {
    @Override
    public Map<String, Object> line(Example e) {
      Map<String, Object> line = new LinkedHashMap<>();
      switch (e) {
        case Example.Demonstration d -> {
          line.put("messages", chat(d.prompt(), d.answer()));
          line.put("metadata", single(d, d.correction()));
        }
        case Example.Comparison c -> {
          line.put("prompt", turns(c.prompt()));
          line.put("chosen", List.of(message(Turn.assistant(c.chosen()))));
          line.put("rejected", List.of(message(Turn.assistant(c.rejected()))));
          line.put("metadata", pair(c));
        }
        case Example.Verdict v -> {
          line.put("prompt", turns(v.prompt()));
          line.put("completion", List.of(message(Turn.assistant(v.completion()))));
          line.put("label", v.desirable());
          line.put("metadata", single(v, v.correction()));
        }
      }
      return line;
    }

    @Override
    public String label() {
      return "trl";
    }

    @Override
    public boolean supports(ExportRequest.Kind kind) {
      return true;
    }
  }

  /** OpenAI's fine-tuning files: supervised ({@code messages}) and preference (DPO) lines. */
  record OpenAi() implements Format {
    @Override
    public Map<String, Object> line(Example e) {
      Map<String, Object> line = new LinkedHashMap<>();
      switch (e) {
        case Example.Demonstration d -> line.put("messages", chat(d.prompt(), d.answer()));
        case Example.Comparison c -> {
          line.put("input", Map.of("messages", turns(c.prompt())));
          line.put("preferred_output", List.of(message(Turn.assistant(c.chosen()))));
          line.put("non_preferred_output", List.of(message(Turn.assistant(c.rejected()))));
        }
        case Example.Verdict v ->
            throw new IllegalArgumentException("OpenAI's fine-tuning API has no KTO lines");
      }
      return line;
    }

    @Override
    public String label() {
      return "openai";
    }

    @Override
    public boolean supports(ExportRequest.Kind kind) {
      return kind != ExportRequest.Kind.KTO;
    }
  }

  private static List<Object> chat(List<Turn> prompt, String answer) {
    List<Object> out = turns(prompt);
    out.add(message(Turn.assistant(answer)));
    return out;
  }

  private static List<Object> turns(List<Turn> turns) {
    List<Object> out = new ArrayList<>(turns.size() + 1);
    for (Turn t : turns) {
      out.add(message(t));
    }
    return out;
  }

  private static Map<String, Object> message(Turn t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("role", t.role());
    m.put("content", t.content());
    return m;
  }

  /**
   * An SFT or KTO line's trace: the row ({@code id}), where its completion came from ({@code
   * origin}: the stored {@code answer} with its {@code reward}, or a rater's {@code correction}
   * with its {@code feedback_id}), who answered and when.
   */
  private static Map<String, Object> single(Example e, @Nullable Correction c) {
    Exchange x = e.source();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", x.id());
    m.put("origin", c == null ? "answer" : "correction");
    if (c != null) {
      m.put("feedback_id", c.feedbackId());
    }
    putAnswerer(m, x);
    if (c == null) {
      m.put("reward", x.reward());
    }
    m.put("created_at", (c == null ? x.createdAt() : c.at()).toString());
    return m;
  }

  /** A pair's trace: both rows (or the correction and the corrected row) and their rewards. */
  private static Map<String, Object> pair(Example.Comparison p) {
    Map<String, Object> m = new LinkedHashMap<>();
    Exchange chosen = p.chosenBy();
    Correction c = p.correction();
    m.put("origin", chosen != null ? "answer" : "correction");
    if (chosen != null) {
      m.put("chosen_id", chosen.id());
    } else if (c != null) {
      m.put("feedback_id", c.feedbackId());
    }
    m.put("rejected_id", p.rejectedBy().id());
    putAnswerer(m, p.source());
    if (chosen != null) {
      m.put("chosen_reward", chosen.reward());
    }
    m.put("rejected_reward", p.rejectedBy().reward());
    m.put(
        "created_at",
        (chosen != null ? chosen.createdAt() : c != null ? c.at() : p.source().createdAt())
            .toString());
    return m;
  }

  private static void putAnswerer(Map<String, Object> m, Exchange x) {
    m.put("specialist", x.specialist());
    m.put("adapter", x.adapter());
    if (x.adapterVersion() != null) {
      m.put("adapter_version", x.adapterVersion());
    }
  }
}
