package io.nyx.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nyx.adapter.AdapterException;
import io.nyx.persistence.StoreException;
import io.nyx.pipeline.NyxException;

/**
 * The one place where failures become HTTP statuses and OpenAI-style error bodies {@code
 * {"error":{"message","type","param","code"}}}.
 */
final class HttpErrors {
  private HttpErrors() {}

  /** Status, error type, and whether the client should wait before retrying. */
  record Mapped(int status, String type, int retryAfterSeconds) {}

  static Mapped map(Throwable t) {
    return switch (t) {
      case NyxException.BadRequest b -> new Mapped(400, "invalid_request_error", 0);
      case NyxException.Forbidden f -> new Mapped(403, "permission_error", 0);
      case UnreadableBody u -> new Mapped(u.status(), "invalid_request_error", 0);
      case NyxException.NotFound n -> new Mapped(404, "not_found_error", 0);
      case NyxException.Conflict c -> new Mapped(409, "conflict_error", 0);
      case NyxException.Unavailable u -> new Mapped(503, "service_unavailable", 5);
      case NyxException.UpstreamFailed u -> new Mapped(502, "upstream_error", 0);
      case StoreException s -> new Mapped(503, "service_unavailable", 5);
      case AdapterException.Invalid i -> new Mapped(400, "invalid_request_error", 0);
      case AdapterException.Unknown u -> new Mapped(404, "not_found_error", 0);
      case AdapterException.Conflict c -> new Mapped(409, "conflict_error", 0);
      case AdapterException.Refused r -> new Mapped(502, "upstream_error", 0);
      case AdapterException.Unavailable u -> new Mapped(503, "service_unavailable", 5);
      default -> new Mapped(500, "internal_error", 0);
    };
  }

  static ObjectNode body(Throwable t, Mapped m) {
    ObjectNode error = Json.object();
    String message =
        m.status() == 500 ? "internal error: " + t.getClass().getSimpleName() : t.getMessage();
    error.put("message", message);
    error.put("type", m.type());
    if (t instanceof NyxException n && !n.param().isEmpty()) {
      error.put("param", n.param());
    } else if (t instanceof AdapterException a && !a.param().isEmpty()) {
      error.put("param", a.param());
    } else if (t instanceof UnreadableBody) {
      error.put("param", "body");
    } else {
      error.putNull("param");
    }
    error.put("code", m.status());
    if (t instanceof NyxException n && n.queryId() != null) {
      error.put("query_id", n.queryId().toString());
    }
    ObjectNode root = Json.object();
    root.set("error", error);
    return root;
  }
}
