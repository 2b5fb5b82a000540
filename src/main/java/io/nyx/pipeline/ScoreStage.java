package io.nyx.pipeline;

import io.nyx.backend.ChatResult;
import io.nyx.backend.Confidence;
import io.nyx.context.AnswerCheck;
import io.nyx.context.ContextBuilder;
import io.nyx.learning.AnswerSignals;
import io.nyx.learning.Reward;
import io.nyx.learning.Rewards;
import io.nyx.safety.RiskAssessment;
import io.nyx.specialist.ContextStrategy;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Stage 4, how good the answer is: confidence from the token logprobs, the answer's own risk
 * screen, the specialist's checks (Aletheia's grounding against the facts it retrieved), and the
 * reward the specialist's reward function gives those signals. Pure but for the screen and the
 * checks, neither of which may fail the answer. Thread-safe.
 */
final class ScoreStage {
  private final Screen screen;
  private final Map<ContextStrategy, ContextBuilder> builders;
  private final Plans plans;
  private final Rewards rewards;

  /** {@code screen}: the risk screen the question went through, used for the answer too. */
  ScoreStage(
      Screen screen, Map<ContextStrategy, ContextBuilder> builders, Plans plans, Rewards rewards) {
    this.screen = screen;
    this.builders = Map.copyOf(builders);
    this.plans = plans;
    this.rewards = rewards;
  }

  Scored score(Draft d, ChatResult r, long latencyMs) {
    return score(d, r, latencyMs, screen.assess(r.content()));
  }

  /** {@code output}: the answer's screen, run already. */
  Scored score(Draft d, ChatResult r, long latencyMs, RiskAssessment output) {
    OptionalDouble confidence = Confidence.fromLogprobs(r.logprobs());
    Map<String, Object> checks = checks(d, r.content());
    Grounded grounded = Grounded.from(checks);
    AnswerSignals signals =
        new AnswerSignals(
            confidence,
            r.finishReason(),
            false,
            latencyMs,
            d.decision().time().urgency().budgetMs(),
            output.flagged(),
            grounded.score(),
            grounded.invented());
    Reward reward = rewards.of(d.plan().specialist()).score(signals);
    return new Scored(grounded.adjust(confidence.orElse(0.5)), reward, signals, checks, output);
  }

  /** The specialist's post-generation checks; a failing check is reported, never fatal. */
  private Map<String, Object> checks(Draft d, String answer) {
    if (!(builders.get(plans.strategy(d.plan())) instanceof AnswerCheck check)
        || d.plan().specialist() == null) {
      return Map.of();
    }
    try {
      return check.check(answer, d.context());
    } catch (RuntimeException e) {
      return Map.of("error", String.valueOf(e.getMessage()));
    }
  }
}
