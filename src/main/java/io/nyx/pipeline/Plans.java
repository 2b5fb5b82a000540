package io.nyx.pipeline;

import io.nyx.adapter.AdapterRouting;
import io.nyx.foresight.Foresight;
import io.nyx.specialist.ContextStrategy;
import io.nyx.specialist.Decoding;
import io.nyx.specialist.SpecialistConfig;
import io.nyx.specialist.Specialists;

/**
 * Turns "who answers" into a {@link Plan}: a specialist's adapter (the version {@link
 * AdapterRouting} picks: the active one, or its canary for the canary's share), backend, prompt and
 * decoding, or the base model's, each with the caller's sampling overrides. Thread-safe.
 */
final class Plans {
  static final String BASE_PROMPT = "You are Nyx, a helpful, honest assistant.";

  private final Specialists specialists;
  private final String baseModel;
  private final AdapterRouting adapters;

  /** Every specialist's configured adapter, without versions. */
  Plans(Specialists specialists, String baseModel) {
    this(specialists, baseModel, AdapterRouting.CONFIGURED);
  }

  Plans(Specialists specialists, String baseModel, AdapterRouting adapters) {
    this.specialists = specialists;
    this.baseModel = baseModel;
    this.adapters = adapters;
  }

  /** {@code name} must be a configured specialist. */
  Plan specialist(String name, InferenceRequest req) {
    SpecialistConfig s = specialists.find(name).orElseThrow();
    String prompt =
        s.context() == ContextStrategy.FORESIGHT
            ? s.promptTemplate().strip() + "\n\n" + Foresight.STRUCTURE
            : s.promptTemplate();
    Decoding decoding = override(s.decoding(), req);
    return switch (adapters.choose(s.name(), s.adapter())) {
      case AdapterRouting.Choice.Adapter a ->
          new Plan(
              s.name(),
              a.model(),
              specialists.backendFor(s.name()),
              prompt,
              decoding,
              a.version(),
              "");
      // Out of rotation with no standby: the base model, with the specialist's own prompt.
      case AdapterRouting.Choice.BaseModel b ->
          new Plan(
              s.name(),
              baseModel,
              specialists.backendFor(s.name()),
              prompt,
              decoding,
              null,
              b.why());
    };
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
