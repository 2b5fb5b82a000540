package io.nyx.evaluation;

import io.nyx.routing.FollowUps;
import io.nyx.routing.RouteDecision;
import io.nyx.routing.SemanticRouter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Conversation routing on dialogues with a label on every user turn: each turn after the first is a
 * "keep" (same label as the previous user turn) or a "switch". Follow-up routing ({@link
 * FollowUps}, the previous turn's decision carried forward) is scored against routing the last
 * message alone; an abstention counts as an error, since every turn has a domain.
 */
public final class ConversationReplay {
  private ConversationReplay() {}

  public record Dialogue(String id, List<Labeled> turns) {}

  /** Accuracy on keep turns and switch turns, follow-up routing and last message alone. */
  public record Result(
      int keep,
      int switches,
      double keepFollow,
      double keepAlone,
      double switchFollow,
      double switchAlone) {
    public String text() {
      return String.format(
          Locale.ROOT,
          "  turns that keep the domain   %5d   follow-up %.3f   last message alone %.3f%n"
              + "  turns that switch domain     %5d   follow-up %.3f   last message alone %.3f%n",
          keep,
          keepFollow,
          keepAlone,
          switches,
          switchFollow,
          switchAlone);
    }
  }

  public static Result replay(
      SemanticRouter router, FollowUps followUps, List<Dialogue> dialogues) {
    int[] n = new int[2]; // keep, switch
    int[] follow = new int[2];
    int[] alone = new int[2];
    for (Dialogue d : dialogues) {
      List<String> texts = d.turns().stream().map(Labeled::text).toList();
      List<RouteDecision> own = router.routeAll(texts, Map.of());
      Optional<String> previous = Optional.empty();
      for (int t = 0; t < texts.size(); t++) {
        RouteDecision decided = followUps.apply(previous, own.get(t));
        String label = d.turns().get(t).label();
        if (t > 0) {
          int kind = label.equals(d.turns().get(t - 1).label()) ? 0 : 1;
          n[kind]++;
          follow[kind] += decided.specialist().filter(label::equals).isPresent() ? 1 : 0;
          alone[kind] += own.get(t).specialist().filter(label::equals).isPresent() ? 1 : 0;
        }
        previous = decided.specialist();
      }
    }
    return new Result(
        n[0],
        n[1],
        ratio(follow[0], n[0]),
        ratio(alone[0], n[0]),
        ratio(follow[1], n[1]),
        ratio(alone[1], n[1]));
  }

  private static double ratio(int a, int b) {
    return b == 0 ? 0 : (double) a / b;
  }
}
