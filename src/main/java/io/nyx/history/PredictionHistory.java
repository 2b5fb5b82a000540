package io.nyx.history;

import io.nyx.foresight.Prediction;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Reads of Moira's predictions for people, newest first. No owner checks here. Thread-safe. */
public interface PredictionHistory {

  /** Whether a prediction's outcome is known yet. */
  enum State {
    OPEN,
    RESOLVED
  }

  /**
   * Predictions newest first (by id).
   *
   * @param tenant only this tenant's; null for every tenant's
   * @param state only open or only resolved ones; null for both
   * @param beforeId only ids below this one (the next page); null from the newest
   */
  List<Prediction> page(
      @Nullable String tenant, @Nullable State state, @Nullable Long beforeId, int limit);
}
