package io.nyx.export;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One stored request as the export reads it: the chat the adapter saw ({@code messages}: system
 * prompt with its retrieved context, then the turns) and what it answered.
 *
 * @param adapter the served model id that answered (e.g. {@code kairos-adapter})
 * @param adapterVersion the adapter's version when the row records one, else null
 * @param response the answer; empty when there is none (a failed request)
 * @param reward the stored reward, human feedback already blended in, in [-1, 1]
 */
public record Exchange(
    String id,
    Instant createdAt,
    String tenant,
    @Nullable String session,
    @Nullable String specialist,
    @Nullable String adapter,
    @Nullable Integer adapterVersion,
    List<Turn> messages,
    String response,
    double reward) {

  public Exchange {
    messages = List.copyOf(messages);
  }

  /**
   * What keeps a conversation on one side of the train/validation split: its session when it had
   * one, else its first user message (a client that resends the history repeats it every turn).
   */
  String conversation() {
    if (session != null) {
      return "session\u0000" + session;
    }
    for (Turn t : messages) {
      if (t.role().equals("user")) {
        return "prompt\u0000" + t.content();
      }
    }
    return "id\u0000" + id;
  }
}
