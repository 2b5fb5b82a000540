package io.nyx.pipeline;

import io.nyx.safety.RiskAssessment;
import io.nyx.safety.RiskScreen;
import java.util.List;
import java.util.Map;

/**
 * Eleos's risk screen as the pipeline uses it, on the question and on the answer: a screen that
 * fails is recorded as "not screened", never fatal. Thread-safe.
 */
final class Screen {
  private final RiskScreen screen;

  Screen(RiskScreen screen) {
    this.screen = screen;
  }

  RiskAssessment assess(String text) {
    try {
      return screen.screen(text);
    } catch (RuntimeException e) {
      return new RiskAssessment(0, "", Map.of(), false, List.of("not screened: " + e.getMessage()));
    }
  }
}
