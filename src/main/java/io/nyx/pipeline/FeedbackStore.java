package io.nyx.pipeline;

import io.nyx.learning.TraitEvidence;
import io.nyx.learning.TraitWeight;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Applies feedback in one transaction: nothing is half-written. Thread-safe. */
public interface FeedbackStore {

  /** What one feedback did: the row's new reward and the trait weight after the update, if any. */
  record Applied(double reward, Optional<TraitWeight> trait) {}

  /**
   * Inserts the feedback row, sets the query row's reward to {@code blend} of its current reward
   * (read under a row lock, so concurrent feedback on one answer blends in turn instead of
   * overwriting), and, when {@code trait} is not null, adds {@code evidence} to the trait's
   * posterior (observed at the feedback's time, source 'feedback') — all or nothing.
   *
   * @throws java.util.NoSuchElementException when the query id is unknown
   */
  Applied apply(
      Feedback feedback,
      java.util.function.DoubleUnaryOperator blend,
      @Nullable String trait,
      TraitEvidence evidence);

  /** Sets the reward to {@code newReward} whatever it was; see the blending variant. */
  default Optional<TraitWeight> apply(
      Feedback feedback, double newReward, @Nullable String trait, TraitEvidence evidence) {
    return apply(feedback, current -> newReward, trait, evidence).trait();
  }
}
