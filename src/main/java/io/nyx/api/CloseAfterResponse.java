package io.nyx.api;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Ends the connection as soon as a response that says {@code Connection: close} has been sent.
 * Helidon 4.5 sends the header (for a request that asked for it, or when a handler set it) but then
 * waits for another request line, so a client that waits for the end of the stream held the socket
 * until {@code server.header_timeout_ms} cut it.
 *
 * <p>Closing with unread request bytes in the socket makes the kernel send a reset, which can
 * destroy the response before the client reads it; so a body nobody read is drained first (it is
 * bounded by {@code server.max_body_bytes} and {@code server.body_timeout_ms}).
 */
final class CloseAfterResponse implements Filter {
  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    chain.proceed();
    if (!res.isSent() || !res.headers().containsToken(HeaderValues.CONNECTION_CLOSE)) {
      return;
    }
    try {
      if (!req.content().consumed()) {
        req.content().consume();
      }
    } catch (RuntimeException e) {
      // The body could not be drained (broken framing, client gone): close all the same.
    }
    throw new CloseConnectionException("response sent with Connection: close");
  }
}
