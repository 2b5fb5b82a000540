package io.nyx.pipeline;

import io.nyx.learning.AnswerSignals;
import io.nyx.learning.Reward;
import io.nyx.safety.RiskAssessment;
import java.util.Map;

/**
 * What {@link ScoreStage} made of an answer: the confidence stated to the caller (after grounding),
 * the reward with its components, the signals it came from (stored so the reward can be
 * recomputed), the specialist's post-generation checks and the answer's own risk screen.
 */
record Scored(
    double confidence,
    Reward reward,
    AnswerSignals signals,
    Map<String, Object> checks,
    RiskAssessment output) {}
