package io.nyx.pipeline;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code nyx rewards recompute}: every row since a time gets the reward the current function gives
 * its stored inputs (and its ratings, see {@link Rescoring}), page by page.
 *
 * <p>Trait posteriors are left as they are; the command's usage says why.
 */
public final class RewardRecompute {
  private final RescoreStore store;
  private final Rescoring rescoring;

  /** With each specialist's reward function as configured now. */
  public RewardRecompute(RescoreStore store, io.nyx.learning.Rewards rewards) {
    this.store = store;
    this.rescoring = new Rescoring(rewards);
  }

  /** Totals over the rows seen; means are over every row, changed or not. */
  public record Summary(
      int rows, int changed, int rated, int written, double sumOld, double sumNew) {
    static final Summary EMPTY = new Summary(0, 0, 0, 0, 0, 0);

    public double meanOld() {
      return rows == 0 ? 0 : sumOld / rows;
    }

    public double meanNew() {
      return rows == 0 ? 0 : sumNew / rows;
    }

    Summary plus(RescoreStore.Change c) {
      boolean moved = Math.abs(c.newReward() - c.oldReward()) > Rescoring.SAME;
      return new Summary(
          rows + 1,
          changed + (moved ? 1 : 0),
          rated + (c.rated() ? 1 : 0),
          written + (c.written() ? 1 : 0),
          sumOld + c.oldReward(),
          sumNew + c.newReward());
    }
  }

  /**
   * Walks every row created at or after {@code since}; writes only when {@code write}.
   *
   * @param progress called after each page with the totals so far
   */
  public Summary run(Instant since, int pageSize, boolean write, Consumer<Summary> progress) {
    Summary total = Summary.EMPTY;
    Optional<RescoreStore.Cursor> after = Optional.empty();
    while (true) {
      RescoreStore.Page page = store.page(since, after, pageSize, rescoring::rescore, write);
      for (RescoreStore.Change c : page.rows()) {
        total = total.plus(c);
      }
      progress.accept(total);
      if (page.rows().size() < pageSize || page.last().isEmpty()) {
        return total;
      }
      after = page.last();
    }
  }
}
