package io.nyx.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.backend.ChatMessage;
import io.nyx.backend.ChatOptions;
import io.nyx.backend.ChatRequest;
import io.nyx.specialist.Decoding;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** How a plan and the client's options become one call: the one merge of the two. */
class GenerationRequestTest {
  static final Plan PLAN =
      new Plan(
          "kairos",
          "kairos@v2",
          new StageFakes.ScriptedBackend(),
          "You are Kairos.",
          new Decoding(0.3, 0.9, 256));
  static final List<ChatMessage> MESSAGES = List.of(ChatMessage.user("hi"));

  @Test
  void nyxAlwaysAsksForLogprobsToScoreTheAnswer() {
    ChatRequest r = Generation.request(PLAN, MESSAGES, ChatOptions.NONE, UUID.randomUUID());
    assertThat(r.logprobs()).isTrue();
    assertThat(r.topLogprobs()).isEqualTo(Generation.TOP_LOGPROBS);
    assertThat(r.temperature()).isEqualTo(0.3);
    assertThat(r.maxTokens()).isEqualTo(256);
    assertThat(r.model()).isEqualTo("kairos@v2");
  }

  @Test
  void theClientsTopLogprobsWidenWhatIsAskedAndItsFieldsGoAlong() {
    ChatOptions options = options(true, 7);
    ChatRequest r = Generation.request(PLAN, MESSAGES, options, UUID.randomUUID());
    assertThat(r.logprobs()).isTrue();
    assertThat(r.topLogprobs()).isEqualTo(Math.max(7, Generation.TOP_LOGPROBS));
    assertThat(r.options()).isSameAs(options);
    assertThat(r.options().toMap()).containsEntry("seed", 11L).containsEntry("stop", List.of("."));
  }

  @Test
  void topLogprobsWithoutLogprobsAsksNothingMore() {
    ChatRequest r = Generation.request(PLAN, MESSAGES, options(false, 0), UUID.randomUUID());
    assertThat(r.topLogprobs()).isEqualTo(Generation.TOP_LOGPROBS);
  }

  private static ChatOptions options(boolean logprobs, int top) {
    return new ChatOptions(
        List.of("."),
        OptionalLong.of(11),
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        Map.of(),
        null,
        List.of(),
        null,
        null,
        null,
        logprobs,
        top);
  }
}
