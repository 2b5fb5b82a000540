package io.nyx.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Request and response plumbing shared by the fake's endpoints. */
final class FakeVllmHttp {
  static final ObjectMapper JSON = new ObjectMapper();

  private FakeVllmHttp() {}

  static byte[] readBody(HttpExchange ex) throws IOException {
    return ex.getRequestBody().readAllBytes();
  }

  static @Nullable JsonNode readJson(HttpExchange ex) throws IOException {
    return parse(readBody(ex));
  }

  static @Nullable JsonNode parse(byte[] raw) {
    try {
      JsonNode node = JSON.readTree(raw);
      return node == null || node.isMissingNode() ? null : node;
    } catch (IOException e) {
      return null;
    }
  }

  /** An empty body is sent with no content length (-1), as uvicorn does for /health. */
  static void send(HttpExchange ex, int status, @Nullable String contentType, byte[] body)
      throws IOException {
    if (contentType != null) {
      ex.getResponseHeaders().set("Content-Type", contentType);
    }
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  static void sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
    send(ex, status, "application/json", JSON.writeValueAsBytes(body));
  }

  /** Starlette {@code Response(content=str)}: no JSON and no explicit content type. */
  static void sendText(HttpExchange ex, int status, String text) throws IOException {
    send(ex, status, null, text.getBytes(StandardCharsets.UTF_8));
  }

  /** FastAPI's default error body for unknown routes and methods. */
  static void sendDetail(HttpExchange ex, int status, String detail) throws IOException {
    sendJson(ex, status, JSON.createObjectNode().put("detail", detail));
  }

  /** Lower-case header names, first value of each. */
  static Map<String, String> headers(HttpExchange ex) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : ex.getRequestHeaders().entrySet()) {
      if (!e.getValue().isEmpty()) {
        out.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().get(0));
      }
    }
    return Map.copyOf(out);
  }
}
