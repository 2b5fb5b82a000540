package io.nyx.pipeline;

import io.nyx.backend.StreamDelta;
import io.nyx.routing.RouteDecision;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A stream's listener while the question's screen runs beside the model call: the client hears
 * nothing (not even the route, which names the specialist in the stream's headers) until the screen
 * has let the named specialist answer. The first delta waits for the screen; once it has, the held
 * route and every delta go through, so the client gets exactly what screening first would have
 * sent, and the screen's time is hidden behind the model's time to first token. When the screen
 * hands the question to the safety specialist the deltas are dropped unseen (it answers afterwards,
 * on the client's own listener).
 *
 * <p>Used by one request's thread, as {@link InferenceListener} is.
 */
final class ScreenGate implements InferenceListener {
  private enum State {
    WAITING,
    OPEN,
    DROPPING
  }

  private record Routed(UUID queryId, RouteDecision decision, @Nullable String specialist) {}

  private final InferenceListener client;
  private final BooleanSupplier overridden;
  private State state = State.WAITING;
  private @Nullable Routed held;

  /**
   * {@code overridden}: whether the question's screen hands it to the safety specialist, waiting
   * for the screen (it runs on another thread).
   */
  ScreenGate(InferenceListener client, BooleanSupplier overridden) {
    this.client = client;
    this.overridden = overridden;
  }

  @Override
  public void routed(UUID queryId, RouteDecision decision, @Nullable String specialist) {
    held = new Routed(queryId, decision, specialist);
    if (state == State.OPEN) {
      release();
    }
  }

  @Override
  public void delta(StreamDelta delta) {
    if (state == State.WAITING) {
      if (overridden.getAsBoolean()) {
        state = State.DROPPING;
      } else {
        open();
      }
    }
    if (state == State.OPEN) {
      client.delta(delta);
    }
  }

  /**
   * The named specialist's answer stands: what was held goes through (the route of an attempt that
   * ended before its first delta, e.g. one that failed, so the client hears of it as it would
   * have).
   */
  void open() {
    if (state == State.DROPPING) {
      throw new IllegalStateException("the safety specialist answers; this stream stays closed");
    }
    state = State.OPEN;
    release();
  }

  private void release() {
    Routed r = held;
    if (r != null) {
      held = null;
      client.routed(r.queryId(), r.decision(), r.specialist());
    }
  }
}
