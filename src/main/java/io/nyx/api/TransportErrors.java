package io.nyx.api;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import java.nio.charset.StandardCharsets;

/**
 * Errors Helidon answers before any route runs (oversized body, unparsable HTTP), in the same JSON
 * shape as every other Nyx error.
 */
final class TransportErrors implements DirectHandler {
  private final long maxBodyBytes;

  TransportErrors(long maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public TransportResponse handle(
      TransportRequest request,
      EventType event,
      Status status,
      ServerResponseHeaders headers,
      String message) {
    // Helidon reports an oversized body as a 413 status under more than one event type.
    boolean tooLarge = status.code() == 413 || event == EventType.PAYLOAD_TOO_LARGE;
    String text =
        tooLarge
            ? "request body is larger than server.max_body_bytes = " + maxBodyBytes + " bytes"
            : "malformed HTTP request: " + message;
    String param = tooLarge ? "body" : null;
    var error = Json.object();
    error.put("message", text).put("type", "invalid_request_error").put("param", param);
    error.put("code", status.code());
    var body = Json.object();
    body.set("error", error);
    return TransportResponse.builder()
        .status(status)
        .headers(headers)
        .header(HeaderNames.CONTENT_TYPE, "application/json")
        .entity(new String(Json.bytes(body), StandardCharsets.UTF_8))
        .build();
  }
}
