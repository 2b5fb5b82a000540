package io.nyx.safety;

/**
 * Eleos's risk screen, run on every request and on every answer. Thread-safe. Implementations may
 * throw unchecked exceptions (e.g. the embedder failed); callers treat that as "not screened" and
 * record it rather than failing the request.
 */
public interface RiskScreen {

  RiskAssessment screen(String text);

  /** Screens nothing: every text is unflagged. */
  RiskScreen NONE = text -> RiskAssessment.NONE;
}
