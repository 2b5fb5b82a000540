package io.nyx.api;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.nyx.metrics.NyxMetrics;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Errors Helidon answers before any route runs (oversized body, unparsable HTTP), in the same JSON
 * shape as every other Nyx error, and counted under the route {@code transport} so that a server
 * error here reaches the alert and a client's broken framing (4xx) does not.
 */
final class TransportErrors implements DirectHandler {
  /**
   * Helidon passes no message unless it is marked safe to show, and its framing errors are not, so
   * a 400 says what well-formed framing is.
   */
  static final String MALFORMED =
      "malformed HTTP request: the request line, a header or the body framing is invalid (a body"
          + " has one Content-Length of decimal digits, or Transfer-Encoding: chunked and no"
          + " Content-Length)";

  private final long maxBodyBytes;
  private final NyxMetrics metrics;

  TransportErrors(long maxBodyBytes, NyxMetrics metrics) {
    this.maxBodyBytes = maxBodyBytes;
    this.metrics = metrics;
  }

  @Override
  public TransportResponse handle(
      TransportRequest request,
      EventType event,
      Status status,
      ServerResponseHeaders headers,
      @Nullable String message) {
    // Helidon reports an oversized body as a 413 status under more than one event type.
    boolean tooLarge = status.code() == 413 || event == EventType.PAYLOAD_TOO_LARGE;
    var error = Json.object();
    error.put("message", text(tooLarge, status, message)).put("type", type(status.code()));
    error.put("param", tooLarge ? "body" : null).put("code", status.code());
    var body = Json.object();
    body.set("error", error);
    metrics.request("transport", status.code(), 0);
    return TransportResponse.builder()
        .status(status)
        .headers(headers)
        .header(HeaderNames.CONTENT_TYPE, "application/json")
        .entity(new String(Json.bytes(body), StandardCharsets.UTF_8))
        .build();
  }

  private String text(boolean tooLarge, Status status, @Nullable String message) {
    if (tooLarge) {
      return "request body is larger than server.max_body_bytes = " + maxBodyBytes + " bytes";
    }
    if (status.code() == 400) {
      return MALFORMED;
    }
    return message == null ? status.reasonPhrase() : status.reasonPhrase() + ": " + message;
  }

  private static String type(int status) {
    if (status == 503) {
      return "service_unavailable";
    }
    return status >= 500 ? "internal_error" : "invalid_request_error";
  }
}
