package io.nyx.export;

/**
 * The stored requests an export looked at (created since its bound, of its specialist and tenant),
 * by what became of them: the manifest's account of what was left out and why.
 *
 * @param rows every request in scope
 * @param failed requests that did not succeed (no answer to learn from)
 * @param empty requests that succeeded with an empty answer
 * @param fallback answers the base model gave in place of a broken or missing adapter
 * @param corrected adapter answers a rater corrected (the correction stands in for them)
 * @param usable adapter answers left: succeeded, not empty, no fallback, not corrected
 * @param good usable answers with a reward of at least the request's {@code min_reward}
 * @param bad usable answers with a reward of at most the request's {@code max_reward}
 * @param corrections corrections of requests in scope
 */
public record Census(
    long rows,
    long failed,
    long empty,
    long fallback,
    long corrected,
    long usable,
    long good,
    long bad,
    long corrections) {
  public static final Census EMPTY = new Census(0, 0, 0, 0, 0, 0, 0, 0, 0);
}
