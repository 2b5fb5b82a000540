package io.nyx.api;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.nyx.tracing.Span;
import io.nyx.tracing.Tracer;

/**
 * The root span of each request's trace ({@code POST /infer}, a server span), around admission and
 * the handler: it continues the client's trace when the request carries a W3C {@code traceparent}
 * header and starts a new one otherwise, and ends with the route, the status and the query id.
 * Liveness, readiness and metrics are not traced (probes and scrapes would bury the requests).
 * Installed only when tracing is on.
 */
final class TracingFilter implements Filter {
  private static final HeaderName TRACEPARENT = HeaderNames.create("traceparent");
  private static final HeaderName TRACESTATE = HeaderNames.create("tracestate");
  private static final HeaderName QUERY_ID = HeaderNames.create("X-Nyx-Query-Id");

  private final Tracer tracer;

  TracingFilter(Tracer tracer) {
    this.tracer = tracer;
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    String path = req.path().path();
    if (AuthFilter.OPEN.contains(path)) {
      chain.proceed();
      return;
    }
    String method = req.prologue().method().text();
    var headers = req.headers();
    try (Span root =
        tracer.request(
            method,
            headers.first(TRACEPARENT).orElse(null),
            headers.first(TRACESTATE).orElse(null))) {
      root.attribute("http.request.method", method).attribute("url.path", path);
      try {
        chain.proceed();
      } finally {
        int status = res.status().code();
        req.matchingPattern()
            .ifPresent(route -> root.name(method + " " + route).attribute("http.route", route));
        root.attribute("http.response.status_code", (long) status);
        res.headers().first(QUERY_ID).ifPresent(id -> root.attribute("nyx.query_id", id));
        if (status >= 500) {
          root.failed(Integer.toString(status));
        }
      }
    }
  }
}
