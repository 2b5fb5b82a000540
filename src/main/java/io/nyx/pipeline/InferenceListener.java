package io.nyx.pipeline;

import io.nyx.backend.StreamDelta;
import io.nyx.routing.RouteDecision;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Hears a request's progress, on the request's own thread: once when the route is known (before the
 * model is called, so an HTTP edge can send its headers), then per streamed delta.
 */
public interface InferenceListener {

  default void routed(UUID queryId, RouteDecision decision, @Nullable String specialist) {}

  default void delta(StreamDelta delta) {}

  InferenceListener NONE = new InferenceListener() {};
}
