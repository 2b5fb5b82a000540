package io.nyx.backend;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * What a client asked of the model beyond its messages and the sampling Nyx settles itself
 * (temperature, top_p and max_tokens, which override the specialist's decoding): OpenAI's optional
 * chat fields, each passed on to the model server as given. {@link #NONE} asks nothing.
 *
 * <p>{@code logprobs}/{@code topLogprobs} are the client's wish to see token logprobs. Nyx asks the
 * model server for logprobs on every call anyway (it scores answers by them), so the wish only
 * widens what is asked for ({@code top_logprobs}) and what the client is shown.
 *
 * @param stop up to 4 sequences that end generation
 * @param logitBias token id (decimal text, as JSON keys are) to a bias in [-100, 100]
 * @param responseFormat null for plain text
 * @param toolChoice null when the client left it to the server (its default: "auto" with tools)
 * @param parallelToolCalls null when the client left it to the server
 * @param user the client's end-user id; Nyx also keeps memories per user (the session)
 * @param topLogprobs alternatives per token the client wants to see, 0 to 20
 */
public record ChatOptions(
    List<String> stop,
    OptionalLong seed,
    OptionalDouble frequencyPenalty,
    OptionalDouble presencePenalty,
    Map<String, Double> logitBias,
    @Nullable ResponseFormat responseFormat,
    List<Tool> tools,
    @Nullable ToolChoice toolChoice,
    @Nullable Boolean parallelToolCalls,
    @Nullable String user,
    boolean logprobs,
    int topLogprobs) {

  public static final ChatOptions NONE =
      new ChatOptions(
          List.of(),
          OptionalLong.empty(),
          OptionalDouble.empty(),
          OptionalDouble.empty(),
          Map.of(),
          null,
          List.of(),
          null,
          null,
          null,
          false,
          0);

  public ChatOptions {
    stop = List.copyOf(stop);
    logitBias = Collections.unmodifiableMap(new LinkedHashMap<>(logitBias)); // keeps the order
    tools = List.copyOf(tools);
  }

  /** The structured output a client asked for. */
  public sealed interface ResponseFormat {
    /** Any valid JSON object ({@code {"type":"json_object"}}). */
    record JsonObject() implements ResponseFormat {}

    /**
     * JSON valid against {@code schema} ({@code {"type":"json_schema","json_schema":{...}}}); the
     * schema is a tree of maps, lists and scalars, as parsed.
     */
    record JsonSchema(
        String name,
        @Nullable String description,
        Map<String, Object> schema,
        @Nullable Boolean strict)
        implements ResponseFormat {}
  }

  /** A function the model may call; {@code parameters} is its JSON schema, as parsed. */
  public record Tool(
      String name,
      @Nullable String description,
      @Nullable Map<String, Object> parameters,
      @Nullable Boolean strict) {}

  /** Whether and which tools the model must call. */
  public sealed interface ToolChoice {
    /** "none", "auto" or "required". */
    enum Mode implements ToolChoice {
      NONE,
      AUTO,
      REQUIRED
    }

    /** This function, always. */
    record Function(String name) implements ToolChoice {}
  }

  /**
   * The fields the client set, under OpenAI's names and in its shapes, as maps, lists and scalars:
   * what goes to the model server and what the stored row keeps (fine-tuning data needs the tools a
   * conversation offered). Fields left unset are absent.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (!stop.isEmpty()) {
      m.put("stop", stop);
    }
    seed.ifPresent(s -> m.put("seed", s));
    frequencyPenalty.ifPresent(p -> m.put("frequency_penalty", p));
    presencePenalty.ifPresent(p -> m.put("presence_penalty", p));
    if (!logitBias.isEmpty()) {
      m.put("logit_bias", logitBias);
    }
    if (responseFormat != null) {
      m.put("response_format", responseFormat(responseFormat));
    }
    if (!tools.isEmpty()) {
      m.put("tools", toolList());
    }
    if (toolChoice != null) {
      m.put("tool_choice", toolChoice(toolChoice));
    }
    if (parallelToolCalls != null) {
      m.put("parallel_tool_calls", parallelToolCalls);
    }
    if (user != null) {
      m.put("user", user);
    }
    return m;
  }

  private static Map<String, Object> responseFormat(ResponseFormat format) {
    Map<String, Object> m = new LinkedHashMap<>();
    switch (format) {
      case ResponseFormat.JsonObject o -> m.put("type", "json_object");
      case ResponseFormat.JsonSchema s -> {
        m.put("type", "json_schema");
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("name", s.name());
        putIfSet(schema, "description", s.description());
        schema.put("schema", s.schema());
        putIfSet(schema, "strict", s.strict());
        m.put("json_schema", schema);
      }
    }
    return m;
  }

  private List<Object> toolList() {
    List<Object> out = new ArrayList<>();
    for (Tool t : tools) {
      Map<String, Object> function = new LinkedHashMap<>();
      function.put("name", t.name());
      putIfSet(function, "description", t.description());
      putIfSet(function, "parameters", t.parameters());
      putIfSet(function, "strict", t.strict());
      out.add(pair("type", "function", "function", function));
    }
    return out;
  }

  private static Object toolChoice(ToolChoice choice) {
    return switch (choice) {
      case ToolChoice.Mode mode -> mode.name().toLowerCase(java.util.Locale.ROOT);
      case ToolChoice.Function f -> pair("type", "function", "function", Map.of("name", f.name()));
    };
  }

  /** Two entries in this order (JSON keys come out as given). */
  private static Map<String, Object> pair(String k1, Object v1, String k2, Object v2) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  private static void putIfSet(Map<String, Object> m, String key, @Nullable Object value) {
    if (value != null) {
      m.put(key, value);
    }
  }
}
