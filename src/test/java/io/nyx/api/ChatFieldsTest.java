package io.nyx.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nyx.backend.ChatMessage;
import io.nyx.backend.ChatOptions;
import io.nyx.backend.ToolCall;
import io.nyx.pipeline.NyxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chat request's fields, one rule each: passed on as sent, or refused with a 400 that names the
 * field (its JSON path for a message's) and says why.
 */
class ChatFieldsTest {
  static final String USER = "{\"role\":\"user\",\"content\":\"hi\"}";

  @Test
  void everyPassedOnFieldArrivesAsSent() {
    ObjectNode body =
        body(
            "\"stop\":[\"a\",\"b\"],\"seed\":-9007199254740993,\"frequency_penalty\":0.5,"
                + "\"presence_penalty\":-2,\"logit_bias\":{\"50256\":-100,\"7\":2.5},"
                + "\"user\":\"u1\",\"logprobs\":true,\"top_logprobs\":5,"
                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"r\","
                + "\"description\":\"d\",\"schema\":{\"type\":\"object\"},\"strict\":false}},"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\","
                + "\"parameters\":{\"type\":\"object\"}}}],"
                + "\"tool_choice\":\"required\",\"parallel_tool_calls\":true,"
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true}");
    ChatFields.check(body);
    ChatOptions o = ChatFields.options(body, new Fields(body), true);
    assertThat(o.logprobs()).isTrue();
    assertThat(o.topLogprobs()).isEqualTo(5);
    Map<String, Object> m = o.toMap();
    assertThat(Json.MAPPER.valueToTree(m).toString())
        .isEqualTo(
            "{\"stop\":[\"a\",\"b\"],\"seed\":-9007199254740993,\"frequency_penalty\":0.5,"
                + "\"presence_penalty\":-2.0,\"logit_bias\":{\"50256\":-100.0,\"7\":2.5},"
                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"r\","
                + "\"description\":\"d\",\"schema\":{\"type\":\"object\"},\"strict\":false}},"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\","
                + "\"parameters\":{\"type\":\"object\"}}}],"
                + "\"tool_choice\":\"required\",\"parallel_tool_calls\":true,\"user\":\"u1\"}");
  }

  @Test
  void defaultsThatAskNothingPassNothing() {
    ObjectNode body =
        body(
            "\"n\":1,\"store\":true,\"service_tier\":\"auto\",\"modalities\":[\"text\"],"
                + "\"response_format\":{\"type\":\"text\"},\"seed\":null");
    ChatFields.check(body);
    assertThat(ChatFields.options(body, new Fields(body), false)).isEqualTo(ChatOptions.NONE);
  }

  @Test
  void fieldsNyxCannotHonourAreRefusedNamingThemAndWhy() {
    refused("\"n\":3", "n", "one answer per request");
    refused("\"store\":false", "store", "records every exchange");
    refused("\"service_tier\":\"flex\"", "service_tier", "one tier");
    refused("\"modalities\":[\"text\",\"audio\"]", "modalities", "write text");
    refused("\"audio\":{\"voice\":\"x\"}", "audio", "not supported");
    refused("\"functions\":[]", "functions", "send 'tools'");
    refused("\"reasoning_effort\":\"low\"", "reasoning_effort", "no reasoning effort");
    refused("\"top_k\":5", "top_k", "unknown field 'top_k'");
  }

  @Test
  void malformedValuesAreRefusedNamingThePath() {
    refused("\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]", "stop", "at most 4");
    refused("\"stop\":[\"\"]", "stop[0]", "non-empty");
    refused("\"seed\":1.5", "seed", "64-bit integer");
    refused("\"logit_bias\":{\"abc\":1}", "logit_bias.abc", "token ids");
    refused("\"logit_bias\":{\"1\":101}", "logit_bias.1", "[-100, 100]");
    refused("\"top_logprobs\":2", "top_logprobs", "needs 'logprobs'");
    refused("\"logprobs\":true,\"top_logprobs\":21", "top_logprobs", "[0, 20]");
    refused("\"stream_options\":{\"include_usage\":true}", "stream_options", "'stream': true");
    refused(
        "\"stream\":true,\"stream_options\":{\"continuous_usage_stats\":true}",
        "stream_options.continuous_usage_stats",
        "unknown");
    refused(
        "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"r\"}}",
        "response_format.json_schema.schema",
        "is required");
    refused("\"response_format\":{\"type\":\"yaml\"}", "response_format.type", "one of");
    refused("\"tool_choice\":\"auto\"", "tool_choice", "only allowed when 'tools'");
    refused("\"parallel_tool_calls\":false", "parallel_tool_calls", "only allowed when 'tools'");
    refused(
        "\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"x\"}}]",
        "tools[0].type",
        "'function'");
    refused(
        "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],"
            + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"g\"}}",
        "tool_choice.function.name",
        "not among the 'tools'");
  }

  @Test
  void aToolCallingHistoryReachesTheModelAsSent() {
    ChatMessages.Parsed p =
        ChatMessages.parse(
            Json.parse(
                bytes(
                    "[{\"role\":\"developer\",\"content\":\"be brief\"},"
                        + "{\"role\":\"user\",\"content\":\"When is my dentist?\"},"
                        + "{\"role\":\"assistant\",\"content\":null,\"refusal\":null,"
                        + "\"annotations\":[],\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"lookup\",\"arguments\":\"{}\"}}]},"
                        + "{\"role\":\"tool\",\"tool_call_id\":\"c1\","
                        + "\"content\":[{\"type\":\"text\",\"text\":\"Tuesday\"}]}]")),
            10_000);
    assertThat(p.system()).isEqualTo("be brief");
    assertThat(p.query()).isEqualTo("When is my dentist?");
    assertThat(p.conversation())
        .containsExactly(
            ChatMessage.user("When is my dentist?"),
            new ChatMessage.AssistantMessage("", List.of(new ToolCall("c1", "lookup", "{}"))),
            new ChatMessage.ToolMessage("c1", "Tuesday"));
  }

  @Test
  void messagesThatCannotReachTheModelAreRefusedNamingTheirPath() {
    String call =
        "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\","
            + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}";
    badMessages("[" + USER + ",{\"role\":\"assistant\",\"content\":\"x\"}]", "messages", "end");
    badMessages(
        "[{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"x\"}]",
        "messages[0].tool_call_id",
        "no earlier");
    badMessages("[" + USER + "," + call + "]", "messages", "end with");
    badMessages(
        "[{\"role\":\"function\",\"name\":\"f\",\"content\":\"x\"}]",
        "messages[0].role",
        "deprecated");
    badMessages(
        "[{\"role\":\"user\",\"content\":\"hi\",\"name\":\"bo\"}]",
        "messages[0].name",
        "not supported");
    badMessages(
        "[" + USER + ",{\"role\":\"assistant\",\"content\":null}," + USER + "]",
        "messages[1].content",
        "null only for an assistant message with tool_calls");
    badMessages(
        "["
            + USER
            + ",{\"role\":\"assistant\",\"content\":\"x\",\"tool_calls\":"
            + "[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\"}}]},"
            + USER
            + "]",
        "messages[1].tool_calls[0].function.arguments",
        "required");
    badMessages(
        "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{}}]}]",
        "messages[0].content",
        "only text content parts");
  }

  private static void refused(String fields, String param, String why) {
    ObjectNode body = body(fields);
    NyxException.BadRequest e =
        catchThrowableOfType(
            NyxException.BadRequest.class,
            () -> {
              ChatFields.check(body);
              ChatFields.options(body, new Fields(body), body.path("stream").asBoolean());
            });
    assertThat(e).as(fields).isNotNull();
    assertThat(e.param()).as(fields).isEqualTo(param);
    assertThat(e.getMessage()).as(fields).contains(why);
  }

  private static void badMessages(String messages, String param, String why) {
    NyxException.BadRequest e =
        catchThrowableOfType(
            NyxException.BadRequest.class,
            () -> ChatMessages.parse(Json.parse(bytes(messages)), 10_000));
    assertThat(e).as(messages).isNotNull();
    assertThat(e.param()).as(messages).isEqualTo(param);
    assertThat(e.getMessage()).as(messages).contains(why);
  }

  private static ObjectNode body(String fields) {
    return Json.parseObject(
        bytes(
            "{\"model\":\"nyx\",\"messages\":["
                + USER
                + "]"
                + (fields.isEmpty() ? "" : ",")
                + fields
                + "}"));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
