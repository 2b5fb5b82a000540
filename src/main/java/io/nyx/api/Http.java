package io.nyx.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.nyx.metrics.NyxMetrics;
import io.nyx.pipeline.NyxException;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Wraps every endpoint: one error mapping, one timing metric, JSON responses. */
final class Http {
  private static final Logger LOG = Logger.getLogger(Http.class.getName());
  private static final Logger ACCESS = Logger.getLogger("io.nyx.access");
  private static final io.helidon.http.HeaderName QUERY_ID =
      io.helidon.http.HeaderNames.create("X-Nyx-Query-Id");

  /** An endpoint body that may throw anything; {@link #wrap} maps it. */
  @FunctionalInterface
  interface Endpoint {
    void handle(ServerRequest req, ServerResponse res) throws Exception;
  }

  private final NyxMetrics metrics;
  private final LongSupplier nanoClock;

  Http(NyxMetrics metrics, LongSupplier nanoClock) {
    this.metrics = metrics;
    this.nanoClock = nanoClock;
  }

  Handler wrap(String route, Endpoint endpoint) {
    return (req, res) -> {
      long start = nanoClock.getAsLong();
      try {
        Query.requireStorable(req);
        endpoint.handle(req, res);
      } catch (Exception e) {
        fail(res, e);
      } finally {
        double seconds = (nanoClock.getAsLong() - start) / 1e9;
        metrics.request(route, res.status().code(), seconds);
        access(req, res, route, seconds);
      }
    };
  }

  /**
   * One structured line per request (logfmt): server errors at WARNING, the rest at FINE. It
   * carries the query id, never the query, the prompt or a key.
   */
  private static void access(
      io.helidon.webserver.http.ServerRequest req, ServerResponse res, String route, double s) {
    int status = res.status().code();
    Level level = status >= 500 ? Level.WARNING : Level.FINE;
    if (!ACCESS.isLoggable(level)) {
      return;
    }
    String queryId = res.headers().first(QUERY_ID).orElse("-");
    ACCESS.log(
        level,
        String.format(
            java.util.Locale.ROOT,
            "method=%s route=%s status=%d ms=%.1f query_id=%s",
            req.prologue().method().text(),
            route,
            status,
            s * 1000,
            queryId));
  }

  static void fail(ServerResponse res, Throwable e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    ErrorMapper.Mapped m = ErrorMapper.map(e);
    if (m.status() == 500) {
      LOG.log(Level.SEVERE, "unexpected failure", e);
    }
    if (res.isSent()) {
      return;
    }
    if (e instanceof io.nyx.pipeline.NyxException n && n.queryId() != null) {
      res.header(QUERY_ID, n.queryId().toString());
    }
    if (m.retryAfterSeconds() > 0) {
      res.header(HeaderNames.RETRY_AFTER, Integer.toString(m.retryAfterSeconds()));
    }
    json(res, m.status(), ErrorMapper.body(e, m));
  }

  static void json(ServerResponse res, int status, ObjectNode body) {
    res.status(Status.create(status));
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(Json.bytes(body));
  }

  /** The whole request body; reading it ends the client's body deadline (slow-loris guard). */
  static byte[] body(ServerRequest req) {
    try {
      byte[] body = req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
      ConnectionDeadlines.bodyRead();
      return body;
    } catch (ServerConnectionException e) {
      // The client went away mid-body, or was cut off by server.body_timeout_ms: its fault, and
      // nobody is left to read the answer.
      throw new NyxException.BadRequest("body", "request body not received: " + e.getMessage());
    }
  }
}
