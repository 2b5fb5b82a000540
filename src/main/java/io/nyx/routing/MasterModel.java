package io.nyx.routing;

import io.nyx.backend.BackendException;
import io.nyx.backend.ChatBackend;
import io.nyx.backend.ChatMessage;
import io.nyx.backend.ChatRequest;
import io.nyx.backend.ChatResult;
import io.nyx.backend.JsonSchemaFormat;
import io.nyx.backend.StructuredReply;
import io.nyx.specialist.SpecialistConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Asks the master model which specialist fits, through structured output: OpenAI {@code
 * response_format} json_schema whose {@code specialist} enum is the candidates plus "none", and a
 * {@code confidence} in [0,1]. vLLM 0.12+ ignores the old guided_* fields silently, and a server
 * may ignore the schema too, so the answer is validated here: anything but an object with a name
 * from the enum and a confidence in [0,1] is garbage. Never throws for the backend's failures; they
 * become verdicts (timeout, failed, garbage) and the caller keeps the semantic decision.
 *
 * <p>Candidates are the {@link #MAX_CANDIDATES} best by semantic score, so the prompt stays short
 * with hundreds of specialists. Temperature 0: the same query gets the same request. Thread-safe if
 * the backend is.
 */
public final class MasterModel implements Master {
  /** The most specialists offered to the master at once. */
  public static final int MAX_CANDIDATES = 20;

  static final String NONE = "none";
  private static final int MAX_TOKENS = 64;
  private static final int EXEMPLARS_SHOWN = 3;

  private final ChatBackend backend;
  private final String model;
  private final Map<String, String> cards; // name -> one prompt line

  /**
   * @param model the model name sent; empty means the backend's base model
   */
  public MasterModel(ChatBackend backend, String model, List<SpecialistConfig> specialists) {
    this.backend = backend;
    this.model = model;
    this.cards = new LinkedHashMap<>();
    for (SpecialistConfig s : specialists) {
      cards.put(s.name(), card(s));
    }
  }

  /**
   * @param candidates specialist names, best semantic score first
   */
  @Override
  public MasterVerdict ask(String query, List<String> candidates) {
    List<String> offered = candidates.stream().limit(MAX_CANDIDATES).toList();
    ChatResult result;
    try {
      result = backend.complete(request(query, offered));
    } catch (BackendException.Timeout e) {
      return MasterVerdict.failure("timeout", e.getMessage());
    } catch (BackendException e) {
      return MasterVerdict.failure("failed", e.getMessage());
    }
    return parse(result.content(), offered);
  }

  ChatRequest request(String query, List<String> offered) {
    StringBuilder system =
        new StringBuilder(
            "You route a user's message to the one specialist best suited to answer it. "
                + "Specialists:\n");
    for (String name : offered) {
      system.append("- ").append(cards.getOrDefault(name, name)).append('\n');
    }
    system.append(
        "Answer \"none\" when no specialist fits. Reply with JSON: the specialist's name and your"
            + " confidence from 0 to 1.");
    List<ChatMessage> messages =
        List.of(ChatMessage.system(system.toString()), ChatMessage.user(query));
    return new ChatRequest(model, messages, 0.0, 1.0, MAX_TOKENS, false, 0, schema(offered), null);
  }

  static JsonSchemaFormat schema(List<String> offered) {
    List<String> names = new ArrayList<>(offered);
    names.add(NONE);
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("specialist", Map.of("type", "string", "enum", names));
    props.put("confidence", Map.of("type", "number", "minimum", 0, "maximum", 1));
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", props);
    schema.put("required", List.of("specialist", "confidence"));
    schema.put("additionalProperties", false);
    return new JsonSchemaFormat("route", schema);
  }

  /** Validates the master's content; see the class Javadoc for what counts as garbage. */
  static MasterVerdict parse(String content, List<String> offered) {
    return switch (StructuredReply.parse(content)) {
      case StructuredReply.Unreadable u -> MasterVerdict.failure("garbage", u.reason());
      case StructuredReply.Fields f -> verdict(f.values(), offered);
    };
  }

  private static MasterVerdict verdict(Map<String, @Nullable Object> fields, List<String> offered) {
    if (!(fields.get("specialist") instanceof String pick)) {
      return MasterVerdict.failure("garbage", "missing specialist");
    }
    if (!pick.equals(NONE) && !offered.contains(pick)) {
      return MasterVerdict.failure("garbage", "unknown specialist " + clip(pick));
    }
    if (!(fields.get("confidence") instanceof Number conf)
        || !(conf.doubleValue() >= 0 && conf.doubleValue() <= 1)) {
      return MasterVerdict.failure("garbage", "confidence missing or outside [0,1]");
    }
    return new MasterVerdict(true, "answered", pick, conf.doubleValue(), "");
  }

  private static String card(SpecialistConfig s) {
    List<String> shown = s.exemplars().stream().limit(EXEMPLARS_SHOWN).toList();
    String about = s.description().isBlank() ? "" : ": " + s.description().strip();
    String examples =
        shown.isEmpty() ? "" : " (e.g. " + String.join(" | ", shown).replace('\n', ' ') + ")";
    return s.name() + about + examples;
  }

  private static String clip(String s) {
    return String.format(Locale.ROOT, "'%s'", s.length() > 40 ? s.substring(0, 40) + "..." : s);
  }
}
