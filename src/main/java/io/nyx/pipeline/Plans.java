package io.nyx.pipeline;

import io.nyx.foresight.Foresight;
import io.nyx.specialist.ContextStrategy;
import io.nyx.specialist.Decoding;
import io.nyx.specialist.SpecialistConfig;
import io.nyx.specialist.Specialists;

/**
 * Turns "who answers" into a {@link Plan}: a specialist's adapter, backend, prompt and decoding, or
 * the base model's, each with the caller's sampling overrides. Thread-safe.
 */
final class Plans {
  static final String BASE_PROMPT = "You are Nyx, a helpful, honest assistant.";

  private final Specialists specialists;
  private final String baseModel;

  Plans(Specialists specialists, String baseModel) {
    this.specialists = specialists;
    this.baseModel = baseModel;
  }

  /** {@code name} must be a configured specialist. */
  Plan specialist(String name, InferenceRequest req) {
    SpecialistConfig s = specialists.find(name).orElseThrow();
    String prompt =
        s.context() == ContextStrategy.FORESIGHT
            ? s.promptTemplate().strip() + "\n\n" + Foresight.STRUCTURE
            : s.promptTemplate();
    return new Plan(
        s.name(),
        s.adapter(),
        specialists.backendFor(s.name()),
        prompt,
        override(s.decoding(), req));
  }

  Plan base(InferenceRequest req) {
    return new Plan(
        null, baseModel, specialists.base(), BASE_PROMPT, override(Decoding.DEFAULT, req));
  }

  /** The strategy of the plan's specialist; NONE for the base model. */
  ContextStrategy strategy(Plan plan) {
    return plan.specialist() == null
        ? ContextStrategy.NONE
        : specialists.find(plan.specialist()).orElseThrow().context();
  }

  private static Decoding override(Decoding d, InferenceRequest req) {
    return new Decoding(
        req.temperature().orElse(d.temperature()),
        req.topP().orElse(d.topP()),
        req.maxTokens().orElse(d.maxTokens()));
  }
}
