package io.nyx.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.nyx.metrics.NyxMetrics;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code /health} (alive), {@code /ready} (dependencies: 200 "ready" or "degraded", 503
 * "not_ready"), {@code /metrics} (Prometheus).
 */
final class OpsApi {
  private final Readiness readiness;
  private final NyxMetrics metrics;

  OpsApi(Readiness readiness, NyxMetrics metrics) {
    this.readiness = readiness;
    this.metrics = metrics;
  }

  void health(ServerRequest req, ServerResponse res) {
    Http.json(res, 200, Json.object().put("status", "ok"));
  }

  void ready(ServerRequest req, ServerResponse res) {
    Map<String, Readiness.Check> checks = readiness.check();
    boolean ok = checks.values().stream().allMatch(Readiness.Check::ok);
    boolean degraded = checks.values().stream().anyMatch(Readiness.Check::degraded);
    ObjectNode o = Json.object().put("status", !ok ? "not_ready" : degraded ? "degraded" : "ready");
    ObjectNode c = o.putObject("checks");
    checks.forEach(
        (name, check) -> {
          ObjectNode one = c.putObject(name).put("ok", check.ok()).put("detail", check.detail());
          if (check.degraded()) {
            one.put("degraded", true);
          }
        });
    Http.json(res, ok ? 200 : 503, o);
  }

  void metrics(ServerRequest req, ServerResponse res) {
    res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    res.send(metrics.scrape().getBytes(StandardCharsets.UTF_8));
  }
}
