package io.nyx.pipeline;

import io.nyx.backend.TokenLogprob;
import io.nyx.backend.ToolCall;
import io.nyx.backend.Usage;
import io.nyx.context.ContextItem;
import io.nyx.learning.Reward;
import io.nyx.routing.RouteDecision;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A recorded answer. {@code specialist} is null when the base model answered; {@code model} is what
 * was sent as {@code model} to the backend ("" = base model by omission) and {@code adapterVersion}
 * its registered version (null when the base model answered); {@code fallback} says why the planned
 * adapter was not used, or is "" when it was; {@code checks} holds the post-generation checks of
 * the specialist's context (e.g. Aletheia's "grounding"); {@code contextIncomplete} names the
 * context sources that failed, so the answer was given without them. {@code toolCalls} are the
 * functions the model called instead of (or besides) answering; {@code logprobs} its tokens' (with
 * as many alternatives as the client asked for); {@code predictionId} the id of the prediction
 * Moira recorded from the answer, when she recorded one (not while it waits in the spool for the
 * database).
 */
public record InferenceResult(
    UUID id,
    RouteDecision route,
    @Nullable String specialist,
    String model,
    @Nullable Integer adapterVersion,
    String answer,
    String finishReason,
    double confidence,
    Reward reward,
    Usage usage,
    long latencyMs,
    List<ContextItem> context,
    String fallback,
    Map<String, Object> checks,
    List<String> contextIncomplete,
    List<ToolCall> toolCalls,
    List<TokenLogprob> logprobs,
    OptionalLong predictionId) {

  public InferenceResult {
    toolCalls = List.copyOf(toolCalls);
    logprobs = List.copyOf(logprobs);
  }
}
