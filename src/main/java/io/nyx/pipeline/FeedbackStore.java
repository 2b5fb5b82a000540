package io.nyx.pipeline;

import io.nyx.learning.TraitEvidence;
import io.nyx.learning.TraitWeight;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/** Applies feedback in one transaction: nothing is half-written. Thread-safe. */
public interface FeedbackStore {

  /** What one rating did to the specialist's trait. */
  enum TraitEffect {
    /** The evidence was added (the weight may still stay, inside its hysteresis band). */
    OBSERVED,
    /** The answer has no trait to tell (the base model answered, or the call failed). */
    NO_TRAIT,
    /** The rater had rated this answer before: the rating replaced theirs, the trait heard once. */
    ALREADY_RATED,
    /** The rater's ratings added their budget of evidence to this trait within the window. */
    BUDGET_SPENT
  }

  /**
   * What one feedback did: the row's new reward, the trait's weight afterwards (unchanged when the
   * effect is not {@link TraitEffect#OBSERVED}), if any.
   */
  record Applied(double reward, Optional<TraitWeight> trait, TraitEffect effect) {}

  /**
   * How much evidence one rater's ratings may add to one trait within {@code window} (the last
   * rating may overshoot by its own evidence). Bounds how far a key that rates many of its own
   * answers can pull a trait's posterior, and so routing for every tenant: with prior strength n0,
   * E observations move the posterior mean at most E / (n0 + E) of the way to 0 or 1.
   */
  record EvidenceBudget(double maxEvidence, Duration window) {
    public EvidenceBudget {
      if (!(maxEvidence >= 0) || window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException(
            "feedback budget needs maxEvidence >= 0 and a positive window, got "
                + maxEvidence
                + ", "
                + window);
      }
    }
  }

  /**
   * Under a row lock on the query: records the rating (replacing the rater's earlier one on this
   * query), sets the query's reward to {@code reward} of all its ratings in the order they were
   * first given, and, when {@code trait} is not null, this is the rater's first rating of the
   * answer and {@code budget} (null: none) allows, adds {@code evidence} to the trait's posterior
   * (observed at the feedback's time, source 'feedback') — all or nothing.
   *
   * @throws java.util.NoSuchElementException when the query id is unknown
   */
  Applied apply(
      Feedback feedback,
      ToDoubleFunction<List<Double>> reward,
      @Nullable String trait,
      TraitEvidence evidence,
      @Nullable EvidenceBudget budget);
}
