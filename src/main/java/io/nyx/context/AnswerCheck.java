package io.nyx.context;

import java.util.List;
import java.util.Map;

/**
 * A check a context builder runs on the answer after generation (the scoring step), against the
 * context it built. Returns named, JSON-ready results (empty when it has nothing to say); the
 * pipeline stores them with the row and returns them. Thread-safe.
 */
public interface AnswerCheck {

  Map<String, Object> check(String answer, List<ContextItem> context);
}
