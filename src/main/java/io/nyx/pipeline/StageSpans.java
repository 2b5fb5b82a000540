package io.nyx.pipeline;

import io.nyx.tracing.Span;
import java.util.UUID;

/**
 * What each stage's span says about its result, written only when the span records (tracing off
 * builds no string). The methods hand the result back, so a stage call stays one expression in
 * {@link InferencePipeline}.
 */
final class StageSpans {
  private StageSpans() {}

  static Decision routed(Span s, UUID id, Decision d) {
    if (s.recording()) {
      s.attribute("nyx.query_id", id.toString())
          .attribute("nyx.route.method", d.method().label())
          .attribute("nyx.specialist", d.plan().label())
          .attribute("nyx.master.asked", d.route().master().asked())
          .attribute("nyx.risk.flagged", d.risk().flagged());
    }
    return d;
  }

  static Prompt built(Span s, Prompt p) {
    if (s.recording()) {
      s.attribute("nyx.context.items", (long) p.kept().size())
          .attribute("nyx.context.dropped", (long) p.dropped().size());
      if (!p.incomplete().isEmpty()) {
        s.attribute("nyx.context.failed", String.join("; ", p.incomplete()));
      }
    }
    return p;
  }

  static void generated(Span s, Plan planned, GenerateStage.Outcome o) {
    if (!s.recording()) {
      return;
    }
    s.attribute("nyx.specialist", planned.label());
    switch (o) {
      case GenerateStage.Outcome.Answered a -> {
        Plan used = a.answer().used();
        s.attribute("nyx.adapter", used.model().isEmpty() ? "base" : used.model())
            .attribute("nyx.status", "ok");
        if (used.adapterVersion() != null) {
          s.attribute("nyx.adapter.version", (long) used.adapterVersion());
        }
        if (!a.answer().fallback().isEmpty()) {
          s.attribute("nyx.fallback", a.answer().fallback());
        }
      }
      case GenerateStage.Outcome.Failed f ->
          s.attribute("nyx.status", f.status()).failed(f.status());
    }
  }

  static Scored scored(Span s, Scored scored) {
    if (s.recording()) {
      s.attribute("nyx.reward", scored.reward().value())
          .attribute("nyx.confidence", scored.confidence());
    }
    return scored;
  }
}
