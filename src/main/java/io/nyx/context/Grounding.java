package io.nyx.context;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How well an answer is supported by the facts that reached its prompt ({@link GroundingCheck}).
 *
 * @param score supported sentences / checked sentences, in [0,1] (0 when nothing was checked)
 * @param sentences per checked sentence: the best fact and how much of the sentence it covers
 * @param cited fact ids the answer cites as {@code [fact N]}
 * @param uncited retrieved facts are fine to leave out; this lists cited ids that were NOT
 *     retrieved (an invented citation)
 */
public record Grounding(
    double score, List<Sentence> sentences, List<Long> cited, List<Long> uncited) {

  /** One sentence of the answer; {@code factId} is -1 when no fact shares any word with it. */
  public record Sentence(String text, long factId, double overlap, boolean supported) {}

  public long supportedCount() {
    return sentences.stream().filter(Sentence::supported).count();
  }

  /** The JSON shape stored with the row and returned by {@code /infer}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("score", score);
    m.put("supported", supportedCount());
    m.put("sentences", sentences.size());
    m.put(
        "support",
        sentences.stream()
            .map(
                s ->
                    Map.<String, Object>of(
                        "fact", s.factId(), "overlap", s.overlap(), "supported", s.supported()))
            .toList());
    m.put("cited_facts", cited);
    m.put("invented_citations", uncited);
    return m;
  }
}
