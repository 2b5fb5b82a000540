package io.nyx.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.nyx.metrics.NyxMetrics;
import io.nyx.security.Caller;
import io.nyx.security.Guard;
import io.nyx.security.Scope;
import io.nyx.tracing.Span;
import io.nyx.tracing.Tracer;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Admission at the edge: which scope each endpoint needs, the key from {@code Authorization:
 * Bearer} (or {@code X-API-Key}), then {@link Guard}. An admitted request carries its {@link
 * io.nyx.security.Caller} in the request context ({@link #caller}), which decides whose records the
 * handlers show, and is counted per tenant when answered ({@code nyx_tenant_requests_total}).
 * Liveness, readiness and metrics stay open so orchestrators and Prometheus need no key, and so do
 * the web console's files ({@link ConsoleApi#open}), which hold no data: the calls the console
 * makes carry the key its user typed.
 */
final class AuthFilter implements Filter {
  static final Set<String> OPEN = Set.of("/health", "/ready", "/metrics");

  private final Guard guard;
  private final NyxMetrics metrics;
  private final Tracer tracer;

  AuthFilter(Guard guard, NyxMetrics metrics, Tracer tracer) {
    this.guard = guard;
    this.metrics = metrics;
    this.tracer = tracer;
  }

  static Scope scope(Method method, String path) {
    if (path.equals("/feedback")) {
      return Scope.FEEDBACK;
    }
    boolean read = method == Method.GET;
    if (path.equals("/infer") || path.startsWith("/v1/") || (read && path.equals("/traits"))) {
      return Scope.INFER;
    }
    if (path.equals("/memory") || path.startsWith("/memory/")) {
      return Scope.INFER; // confined to the caller's tenant by MemoryApi
    }
    if (read && (path.equals("/queries") || path.startsWith("/queries/"))) {
      // A key that asks may read back its own tenant's exchanges (it has their answers already;
      // the rows add why and how well), confined by HistoryApi; a feedback-only key rates by id.
      return Scope.INFER;
    }
    if (read && path.equals("/predictions")) {
      return Scope.INFER; // its own tenant's, confined by HistoryApi; outcomes stay admin
    }
    return Scope.ADMIN;
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    String path = req.path().path();
    if (OPEN.contains(path) || ConsoleApi.open(req.prologue().method(), path)) {
      chain.proceed();
      return;
    }
    Guard.Verdict verdict;
    try (Span s = tracer.span("nyx.admission")) {
      verdict = guard.admit(secret(req), scope(req.prologue().method(), path));
      traced(s, verdict);
    }
    switch (verdict) {
      case Guard.Denied d -> deny(res, d);
      case Guard.Admitted a -> {
        req.context().register(a.caller());
        try {
          chain.proceed();
        } finally {
          a.release();
          metrics.tenantRequest(a.caller().tenant(), res.status().code());
        }
      }
    }
  }

  /**
   * The caller admitted for this request. Every guarded route has one; asking on an open route is a
   * programming error.
   */
  static Caller caller(io.helidon.webserver.http.ServerRequest req) {
    return req.context()
        .get(Caller.class)
        .orElseThrow(() -> new IllegalStateException("no caller: route is not guarded"));
  }

  /** The admission span's outcome: the caller's tenant, or the refusal. */
  private static void traced(Span s, Guard.Verdict verdict) {
    if (!s.recording()) {
      return;
    }
    switch (verdict) {
      case Guard.Admitted a -> s.attribute("nyx.tenant", a.caller().tenant());
      case Guard.Denied d -> s.attribute("nyx.admission.denied", d.type()).failed(d.message());
    }
  }

  private static @Nullable String secret(RoutingRequest req) {
    var headers = req.headers();
    if (headers.contains(HeaderNames.AUTHORIZATION)) {
      String v = headers.get(HeaderNames.AUTHORIZATION).get();
      return v.regionMatches(true, 0, "Bearer ", 0, 7) ? v.substring(7).strip() : v.strip();
    }
    return headers.first(io.helidon.http.HeaderNames.create("X-API-Key")).orElse(null);
  }

  private static void deny(RoutingResponse res, Guard.Denied d) {
    if (d.retryAfterSeconds() > 0) {
      res.header(HeaderNames.RETRY_AFTER, Long.toString(d.retryAfterSeconds()));
    }
    ObjectNode error = Json.object();
    error
        .put("message", d.message())
        .put("type", d.type())
        .putNull("param")
        .put("code", d.status());
    ObjectNode body = Json.object();
    body.set("error", error);
    Http.json(res, d.status(), body);
  }
}
