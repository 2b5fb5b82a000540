package io.nyx.context;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.backend.ChatMessage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptBudgetTest {
  final PromptAssembler assembler = new PromptAssembler();
  final String big = "x".repeat(400); // 100 estimated tokens

  @Test
  void estimateIsCharsOverFourPlusFramingPerMessage() {
    assertThat(PromptAssembler.estimate(List.of(ChatMessage.user("abcde")))).isEqualTo(2 + 4);
    assertThat(PromptAssembler.estimate(List.of(ChatMessage.user(big), ChatMessage.user(""))))
        .isEqualTo(100 + 4 + 4);
  }

  @Test
  void withinBudgetNothingIsDropped() {
    var a =
        assembler.assemble(
            "Sys.", "", List.of(new ContextItem.MemoryItem(1, big, 0.9)), turns(), 10_000);
    assertThat(a.dropped()).isEmpty();
    assertThat(a.messages()).hasSize(4);
  }

  @Test
  void lowestScoringMemoryGoesFirstThenOldestTurns() {
    List<ContextItem> items =
        List.of(
            new ContextItem.TimeItem("Current time: now"),
            new ContextItem.MemoryItem(1, big, 0.9),
            new ContextItem.MemoryItem(2, big, 0.2),
            new ContextItem.MemoryItem(3, big, 0.5));
    int full = PromptAssembler.estimate(assembler.assemble("Sys.", "", items, turns()));
    var oneLess = assembler.assemble("Sys.", "", items, turns(), full - 1);
    assertThat(oneLess.dropped()).containsExactly(Map.of("kind", "memory", "id", 2L));
    assertThat(oneLess.kept()).containsExactly(items.get(0), items.get(1), items.get(3));
    assertThat(oneLess.estimatedTokens()).isLessThanOrEqualTo(full - 1);

    var tight = assembler.assemble("Sys.", "", items, turns(), 10);
    assertThat(tight.dropped())
        .extracting(m -> m.get("kind") + ":" + m.getOrDefault("id", m.get("role")))
        .containsExactly("memory:2", "memory:3", "memory:1", "turn:user", "turn:assistant");
    assertThat(tight.messages().getLast().content()).isEqualTo("the query");
    assertThat(tight.messages().getFirst().content()).contains("Current time: now");
  }

  @Test
  void lastFactIsLeastUseful() {
    List<ContextItem> facts =
        List.of(new ContextItem.FactItem(7, big, ""), new ContextItem.FactItem(8, big, ""));
    int full = PromptAssembler.estimate(assembler.assemble("S", "", facts, turns()));
    assertThat(assembler.assemble("S", "", facts, turns(), full - 1).dropped())
        .containsExactly(Map.of("kind", "fact", "id", 8L));
  }

  private List<ChatMessage> turns() {
    return List.of(
        ChatMessage.user(big), ChatMessage.assistant(big), ChatMessage.user("the query"));
  }

  @Test
  void aDroppedToolCallTakesItsResultsWithIt() {
    List<io.nyx.backend.ChatMessage> turns =
        List.of(
            ChatMessage.user("hi"), // 5 estimated tokens
            new ChatMessage.AssistantMessage(
                "", List.of(new io.nyx.backend.ToolCall("c1", "f", "{}"))), // 5
            new ChatMessage.ToolMessage("c1", big),
            ChatMessage.user("the query"));
    int full = PromptAssembler.estimate(assembler.assemble("S", "", List.of(), turns));
    var cut = assembler.assemble("S", "", List.of(), turns, full - 6);
    // Two turns must go; the tool result goes with the call it answers rather than stay behind
    // answering nothing.
    assertThat(cut.messages()).extracting(ChatMessage::role).containsExactly("system", "user");
    assertThat(cut.dropped())
        .extracting(d -> d.get("role"))
        .containsExactly("user", "assistant", "tool");
  }
}
