package io.nyx.pipeline;

import io.nyx.context.ContextBuilder;
import io.nyx.context.ContextItem;
import io.nyx.context.ContextRequest;
import io.nyx.context.PromptAssembler;
import io.nyx.context.SafetyContext;
import io.nyx.metrics.NyxMetrics;
import io.nyx.specialist.ContextStrategy;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Stage 2, what the answerer is told: its specialist's context (memories of the caller's tenant,
 * facts, time, care guidance), care guidance for any flagged question whoever answers it, and the
 * prompt assembled within the token budget. Context is an aid: a source that fails leaves the
 * answer without it rather than failing the request, and the failure is logged, counted ({@code
 * nyx_context_failures_total}) and reported with the answer. Thread-safe.
 */
final class ContextStage {
  private static final System.Logger LOG = System.getLogger(ContextStage.class.getName());

  private final Map<ContextStrategy, ContextBuilder> builders;
  private final Plans plans;
  private final PromptAssembler assembler = new PromptAssembler();
  private final int maxPromptTokens;
  private final NyxMetrics metrics;

  /**
   * @param maxPromptTokens the model's context length: the prompt plus the reserved max_tokens
   */
  ContextStage(
      Map<ContextStrategy, ContextBuilder> builders,
      Plans plans,
      int maxPromptTokens,
      NyxMetrics metrics) {
    this.builders = Map.copyOf(builders);
    this.plans = plans;
    this.maxPromptTokens = maxPromptTokens;
    this.metrics = metrics;
  }

  Prompt build(Decision d, InferenceRequest req, Instant now, ZoneId zone) {
    List<String> incomplete = new ArrayList<>();
    List<ContextItem> items = items(d, req, now, zone, incomplete);
    PromptAssembler.Assembled a =
        assembler.assemble(
            d.plan().systemPrompt(),
            req.callerSystem(),
            withCare(items, d),
            req.conversation(),
            maxPromptTokens - d.plan().decoding().maxTokens());
    return new Prompt(a.messages(), a.kept(), a.dropped(), incomplete);
  }

  private List<ContextItem> items(
      Decision d, InferenceRequest req, Instant now, ZoneId zone, List<String> incomplete) {
    ContextStrategy strategy = plans.strategy(d.plan());
    ContextBuilder builder = builders.getOrDefault(strategy, ContextBuilder.NONE);
    ContextRequest request =
        new ContextRequest(req.query(), null, req.sessionId(), now, zone, req.caller().tenant());
    try {
      return builder.build(request);
    } catch (RuntimeException e) {
      String source = strategy.name().toLowerCase(Locale.ROOT);
      LOG.log(
          System.Logger.Level.WARNING,
          () -> "context '" + source + "' failed, answering without it: " + e.getMessage());
      metrics.contextFailed(source);
      incomplete.add(source + ": " + e.getMessage());
      return List.of();
    }
  }

  /** Care guidance joins any flagged request's context, whoever answers it. */
  private static List<ContextItem> withCare(List<ContextItem> items, Decision d) {
    if (!d.risk().flagged()
        || items.stream().anyMatch(ContextItem.GuidanceItem.class::isInstance)) {
      return items;
    }
    List<ContextItem> out = new ArrayList<>(items);
    out.add(new ContextItem.GuidanceItem(SafetyContext.GUIDANCE));
    return out;
  }
}
