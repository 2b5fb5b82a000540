package io.nyx.pipeline;

import io.nyx.foresight.PredictionStore;
import io.nyx.safety.ReviewQueue;
import io.nyx.safety.RiskScreen;

/**
 * The specialists' cross-cutting powers the pipeline applies to every request: Eleos's risk screen
 * and review queue, Moira's prediction store, and the prompt token budget.
 *
 * @param maxPromptTokens the model's context length; prompt + reserved max_tokens must fit it
 */
public record Powers(
    RiskScreen screen, ReviewQueue reviews, PredictionStore predictions, int maxPromptTokens) {
  public static final Powers NONE =
      new Powers(RiskScreen.NONE, ReviewQueue.NONE, PredictionStore.NONE, 8192);
}
