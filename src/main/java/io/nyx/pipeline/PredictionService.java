package io.nyx.pipeline;

import io.nyx.foresight.Foresight;
import io.nyx.foresight.Prediction;
import io.nyx.foresight.PredictionStore;
import io.nyx.foresight.Scenario;
import io.nyx.learning.RewardFunction;
import java.time.InstantSource;

/**
 * Scores Moira's predictions when the outcome is known: the headline (most likely) scenario's
 * likelihood {@code p} against the outcome gives the rating {@link RewardFunction#predictionRating}
 * ({@code 1 − 2·Brier}), which becomes reward like {@code /feedback}. Thread-safe.
 */
public final class PredictionService {
  private final PredictionStore store;
  private final FeedbackService feedback;
  private final InstantSource clock;
  private final RewardFunction rewards = new RewardFunction();

  public PredictionService(PredictionStore store, FeedbackService feedback, InstantSource clock) {
    this.store = store;
    this.feedback = feedback;
    this.clock = clock;
  }

  /** The scored outcome: the rating it stood for and the feedback it became. */
  public record Scored(Prediction prediction, double rating, FeedbackService.Outcome outcome) {}

  public Scored outcome(long id, boolean happened) {
    Prediction p =
        store
            .find(id)
            .orElseThrow(() -> new NyxException.NotFound("id", "no prediction with id " + id));
    double likelihood = Foresight.headline(p.scenarios()).map(Scenario::likelihood).orElse(0.5);
    double rating = rewards.predictionRating(likelihood, happened);
    String outcome = happened ? "happened" : "did_not_happen";
    if (!store.resolve(id, outcome, rating, clock.instant())) {
      throw new NyxException.BadRequest(
          "id", "prediction " + id + " is already resolved as '" + p.outcome() + "'");
    }
    try {
      return new Scored(
          p,
          rating,
          feedback.apply(
              p.queryId(), rating, "prediction " + id + " " + outcome, "prediction:" + id));
    } catch (RuntimeException e) {
      store.reopen(id);
      throw e;
    }
  }
}
