package io.nyx.pipeline;

import io.nyx.learning.TraitEvidence;
import io.nyx.learning.TraitWeight;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Applies feedback in one transaction: nothing is half-written. Thread-safe. */
public interface FeedbackStore {

  /**
   * Inserts the feedback row, sets the query row's reward to {@code newReward}, and, when {@code
   * trait} is not null, adds {@code evidence} to the trait's posterior (observed at the feedback's
   * time, source 'feedback') — all or nothing.
   *
   * @return the trait's weight after the update, empty when no trait was updated
   * @throws java.util.NoSuchElementException when the query id is unknown
   */
  Optional<TraitWeight> apply(
      Feedback feedback, double newReward, @Nullable String trait, TraitEvidence evidence);
}
