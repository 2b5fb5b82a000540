package io.nyx.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.nyx.metrics.NyxMetrics;
import io.nyx.pipeline.NyxException;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

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
      boolean unframed = false;
      try {
        Query.requireStorable(req);
        endpoint.handle(req, res);
      } catch (Exception e) {
        fail(res, e);
        unframed = e instanceof UnreadableBody;
      } finally {
        double seconds = (nanoClock.getAsLong() - start) / 1e9;
        metrics.request(route, res.status().code(), seconds);
        access(req, res, route, seconds);
      }
      if (unframed) {
        // Answered; now end the connection rather than let Helidon drain a body it cannot parse
        // or read what follows as the next request.
        throw new CloseConnectionException("request body framing broken, connection closed");
      }
    };
  }

  /**
   * One structured line per request (logfmt): server errors at WARNING, the rest at INFO, so a
   * terminal running {@code nyx serve} shows that requests arrive. It carries the query id, never
   * the query, the prompt, the answer or a key. Silence it with {@code io.nyx.access.level =
   * WARNING} in a logging configuration of one's own.
   */
  private static void access(
      io.helidon.webserver.http.ServerRequest req, ServerResponse res, String route, double s) {
    int status = res.status().code();
    Level level = status >= 500 ? Level.WARNING : Level.INFO;
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
    HttpErrors.Mapped m = HttpErrors.map(e);
    if (m.status() == 500) {
      LOG.log(Level.SEVERE, "unexpected failure", e);
    }
    if (res.isSent()) {
      return;
    }
    if (e instanceof UnreadableBody) {
      res.header(HeaderValues.CONNECTION_CLOSE);
    }
    if (e instanceof NyxException n && n.queryId() != null) {
      res.header(QUERY_ID, n.queryId().toString());
    }
    if (m.retryAfterSeconds() > 0) {
      res.header(HeaderNames.RETRY_AFTER, Integer.toString(m.retryAfterSeconds()));
    }
    json(res, m.status(), HttpErrors.body(e, m));
  }

  /** An error decided at the edge (no exception): the same JSON shape as {@link HttpErrors}. */
  static void error(
      ServerResponse res, int status, String type, @Nullable String param, String message) {
    ObjectNode error = Json.object();
    error.put("message", message).put("type", type).put("param", param).put("code", status);
    ObjectNode body = Json.object();
    body.set("error", error);
    json(res, status, body);
  }

  static void json(ServerResponse res, int status, ObjectNode body) {
    res.status(Status.create(status));
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(Json.bytes(body));
  }

  /** The {@code {id}} path parameter, an integer, or a 400 naming it. */
  static long idParameter(ServerRequest req) {
    String raw = req.path().pathParameters().get("id");
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new NyxException.BadRequest("id", "'id' must be an integer but was \"" + raw + "\"");
    }
  }

  /**
   * The whole request body; reading it ends the client's body deadline (slow-loris guard). Helidon
   * parses chunked framing while the body is read, so its framing errors surface here, each as an
   * {@link UnreadableBody}.
   */
  static byte[] body(ServerRequest req) {
    try {
      byte[] body = req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
      ConnectionDeadlines.bodyRead();
      return body;
    } catch (ServerConnectionException | DataReader.InsufficientDataAvailableException e) {
      // The client went away mid-body, or was cut off by server.body_timeout_ms: its fault, and
      // most likely nobody is left to read the answer.
      throw new UnreadableBody(
          400, "request body not received: the connection ended before the body did", e);
    } catch (RequestException e) {
      // A chunk beyond server.max_body_bytes (413) or a chunk not ended as chunked framing says.
      if (e.status().code() == 413) {
        throw new UnreadableBody(413, "request body is larger than server.max_body_bytes", e);
      }
      throw new UnreadableBody(400, "malformed chunked body: a chunk does not end with CRLF", e);
    } catch (IllegalArgumentException e) {
      // Helidon's chunk-size parser: NumberFormatException for sizes not hex or beyond 32 bits.
      throw new UnreadableBody(
          400, "malformed chunked body: a chunk size is not a hexadecimal number below 2^31", e);
    }
  }
}
