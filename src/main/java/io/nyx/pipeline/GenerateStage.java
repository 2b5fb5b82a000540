package io.nyx.pipeline;

import io.nyx.backend.BackendException;
import io.nyx.metrics.NyxMetrics;
import org.jspecify.annotations.Nullable;

/**
 * Stage 3, the answer: calls the planned adapter ({@link Generation}: breaker, retries, timing),
 * and lets the base model answer instead when the adapter is not loaded, its breaker is open, or
 * its own server is saturated — flagging the adapter in the response, the row and the metrics.
 * Failures come back as an {@link Outcome.Failed} with the status the row records and the error the
 * caller gets; nothing is recorded here. Thread-safe.
 */
final class GenerateStage {
  private final Generation generation;
  private final Plans plans;
  private final NyxMetrics metrics;

  GenerateStage(Generation generation, Plans plans, NyxMetrics metrics) {
    this.generation = generation;
    this.plans = plans;
    this.metrics = metrics;
  }

  /** What answered: the planned adapter, or the base model when the adapter could not. */
  record Answer(Generation.Timed timed, Plan used, String fallback) {}

  /** How generation ended. */
  sealed interface Outcome {
    /** An answer, from the plan or its fallback. */
    record Answered(Answer answer) implements Outcome {}

    /** No answer: {@code status} for the row, {@code error} for the caller. */
    record Failed(String status, String reason, NyxException error) implements Outcome {}
  }

  /**
   * What the model servers' queues allow, decided once, before anything is sent: a stream would
   * otherwise have begun with 200.
   */
  Generation.Admission admit(Plan plan, InferenceRequest req) {
    return generation.admit(plan, plans.base(req));
  }

  /** The refusal of an admission whose queues were full. */
  Outcome.Failed refused(Draft d, Generation.Saturated full) {
    return new Outcome.Failed(
        "backend_saturated",
        full.getMessage(),
        new NyxException.Unavailable(
            "model backend saturated: " + full.getMessage(), d.id(), full));
  }

  /**
   * Calls the plan, or the base model when {@code admission} says the plan's server is full; the
   * queues were checked already, so neither is refused for its queue now (the base model of a later
   * fallback, for a missing adapter or an open breaker, still is).
   */
  Outcome answer(Draft d, Generation.Admission admission, InferenceListener listener) {
    try {
      return new Outcome.Answered(answerOrFallback(d, admission.fallback(), listener));
    } catch (BackendException e) {
      return new Outcome.Failed(status(e), e.getMessage(), Failures.map(e, d.id()));
    } catch (Generation.CircuitOpen open) {
      String url = d.plan().backend().baseUrl();
      return new Outcome.Failed(
          "backend_unavailable",
          open.getMessage(),
          new NyxException.Unavailable(
              "model backend " + url + ": " + open.getMessage(), d.id(), open));
    } catch (Generation.Saturated full) {
      // The base model's server, checked only now for a fallback decided after the first check.
      return refused(d, full);
    }
  }

  private Answer answerOrFallback(Draft d, String saturated, InferenceListener listener)
      throws BackendException, Generation.CircuitOpen, Generation.Saturated {
    if (!saturated.isEmpty()) {
      return fallback(d, listener, Fallback.SATURATED, saturated, null);
    }
    try {
      return new Answer(call(d, d.plan(), listener, true), d.plan(), d.plan().fallback());
    } catch (BackendException.ModelNotFound missing) {
      String why = "adapter '" + missing.model() + "' is not loaded";
      return fallback(d, listener, Fallback.NOT_LOADED, why, missing);
    } catch (Generation.CircuitOpen open) {
      return fallback(d, listener, Fallback.CIRCUIT_OPEN, open.getMessage(), null);
    }
  }

  /** The base model answers for the adapter; the base model itself has nothing to fall back to. */
  private Answer fallback(
      Draft d,
      InferenceListener listener,
      Fallback kind,
      String why,
      @Nullable BackendException cause)
      throws BackendException, Generation.CircuitOpen, Generation.Saturated {
    if (d.plan().specialist() == null) {
      if (cause != null) {
        throw cause;
      }
      throw new Generation.CircuitOpen("base model", 0);
    }
    Plan base = plans.base(d.req());
    metrics.fallback(d.plan().label(), kind.label);
    // A saturation fallback's base model was admitted with the plan; the others are checked now.
    boolean admitted = kind == Fallback.SATURATED;
    return new Answer(call(d, base, listener, admitted), base, why + "; the base model answered");
  }

  private Generation.Timed call(Draft d, Plan plan, InferenceListener listener, boolean admitted)
      throws BackendException, Generation.CircuitOpen, Generation.Saturated {
    return generation.call(plan, d.messages(), d.id(), listener, d.req().stream(), admitted);
  }

  private static String status(BackendException e) {
    return e instanceof BackendException.Unreachable || e instanceof BackendException.Timeout
        ? "backend_unavailable"
        : "backend_error";
  }

  /** Why the base model answers instead of an adapter; the label of the fallback metric. */
  private enum Fallback {
    NOT_LOADED("not_loaded"),
    CIRCUIT_OPEN("circuit_open"),
    SATURATED("saturated");

    final String label;

    Fallback(String label) {
      this.label = label;
    }
  }
}
