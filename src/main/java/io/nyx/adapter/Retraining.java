package io.nyx.adapter;

import java.util.List;
import java.util.Map;

/**
 * Prepares the training data for a specialist whose active version self-repair took out: the
 * answers that went wrong, the corrections people gave, and its good answers as anchors.
 * Implementations return at once and write in the background; they never throw (a failed export is
 * logged and does not undo the repair).
 */
public interface Retraining {

  /**
   * @param failed the version taken out
   * @param poorBelow the reward under which self-repair called an answer poor (the version's
   *     history mean less {@code repair_reward_drop}); NaN when it had no history
   * @param poorAnswers ids of its failed calls and poor answers in the window judged
   * @return where the export is being written, for the transition's figures ("" when nowhere)
   */
  String prepare(
      AdapterVersion failed,
      String reason,
      Map<String, Object> figures,
      double poorBelow,
      List<String> poorAnswers);

  Retraining NONE = (failed, reason, figures, poorBelow, poor) -> "";
}
