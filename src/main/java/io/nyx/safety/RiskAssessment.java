package io.nyx.safety;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The screen's verdict on one text.
 *
 * @param risk the highest category score (about −0.5..1.3; comparable to the threshold only)
 * @param category the highest-scoring category, or "" when no category is configured
 * @param scores every category's score, highest first
 * @param flagged risk at or above the threshold: Eleos answers, guidance is added, review queued
 * @param evidence why: keyword hits and the nearest seed phrase
 */
public record RiskAssessment(
    double risk,
    String category,
    Map<String, Double> scores,
    boolean flagged,
    List<String> evidence) {
  public static final RiskAssessment NONE = new RiskAssessment(0, "", Map.of(), false, List.of());

  public RiskAssessment {
    scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    evidence = List.copyOf(evidence);
  }

  /** For the stored row and the review queue. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("risk", risk);
    m.put("category", category);
    m.put("flagged", flagged);
    m.put("scores", scores);
    m.put("evidence", evidence);
    return m;
  }
}
