package io.nyx.backend.openai;

import static io.nyx.backend.openai.WireJson.integerOrNull;
import static io.nyx.backend.openai.WireJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.nyx.backend.BackendException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The one place where HTTP statuses, error bodies and transport failures become {@link
 * BackendException}s. Understands every error body vLLM and its stack send (docs/operations.md):
 * nested {@code {"error":{message,type,param,code}}} (vLLM >= 0.10.1), flat {@code
 * {"object":"error",...}} (older), {@code {"error":"Unauthorized"}} (API-key middleware), FastAPI's
 * {@code {"detail":...}}, and bodies that are not JSON at all (proxies).
 */
final class UpstreamErrors {
  private static final int MAX_RAW_CHARS = 500;

  private UpstreamErrors() {}

  /** What an error body says, whatever its shape. Empty strings for what it does not say. */
  record ErrorBody(String message, String type, String param) {}

  static BackendException fromStatus(String url, int status, byte[] body, String model) {
    ErrorBody error = parse(body);
    if (status == 404 && blamesModel(error)) {
      return new BackendException.ModelNotFound(url, model, error.message());
    }
    if (status >= 400 && status < 500) {
      return new BackendException.Rejected(
          url, status, error.type(), error.param(), error.message());
    }
    if (status >= 500) {
      return new BackendException.ServerError(url, status, error.message(), false);
    }
    return new BackendException.Malformed(
        url, "unexpected HTTP status " + status + ": " + error.message(), false, null);
  }

  /** A stream's {@code data: {"error":...}} event; the HTTP status was already 200. */
  static BackendException fromStreamEvent(String url, JsonNode event) {
    ErrorBody error = parse(event);
    JsonNode nested = event.path("error");
    Integer code = integerOrNull(nested.isObject() ? nested : event, "code");
    int status = code != null && code >= 400 ? code : 500;
    return new BackendException.ServerError(url, status, error.message(), true);
  }

  /** A failure before any response arrived: no connection, connect timeout, reset. */
  static BackendException fromFailure(
      String url, Throwable failure, Duration connectTimeout, Duration readTimeout) {
    if (failure instanceof HttpConnectTimeoutException) {
      return new BackendException.Timeout(url, "connect", connectTimeout.toMillis(), false);
    }
    if (failure instanceof HttpTimeoutException) {
      return new BackendException.Timeout(url, "read", readTimeout.toMillis(), false);
    }
    return new BackendException.Unreachable(url, failure);
  }

  static ErrorBody parse(byte[] body) {
    JsonNode json = WireJson.tryParse(body);
    if (json == null) {
      return new ErrorBody(raw(body), "", "");
    }
    return parse(json);
  }

  static ErrorBody parse(JsonNode json) {
    JsonNode error = json.path("error");
    if (error.isObject()) {
      return fields(error);
    }
    if (error.isTextual()) {
      return new ErrorBody(error.asText(), "", "");
    }
    if ("error".equals(text(json, "object"))) {
      return fields(json);
    }
    JsonNode detail = json.path("detail");
    if (!detail.isMissingNode() && !detail.isNull()) {
      return new ErrorBody(detail.isTextual() ? detail.asText() : detail.toString(), "", "");
    }
    return new ErrorBody(truncate(json.toString()), "", "");
  }

  private static ErrorBody fields(JsonNode error) {
    return new ErrorBody(text(error, "message"), text(error, "type"), text(error, "param"));
  }

  /** Newer vLLM sets param "model"; older ones only say "The model `x` does not exist." */
  private static boolean blamesModel(ErrorBody error) {
    return "model".equals(error.param()) || error.message().contains("does not exist");
  }

  private static String raw(byte[] body) {
    String s = new String(body, StandardCharsets.UTF_8).strip();
    return s.isEmpty() ? "(empty body)" : truncate(s);
  }

  private static String truncate(String s) {
    return s.length() <= MAX_RAW_CHARS ? s : s.substring(0, MAX_RAW_CHARS) + "...";
  }
}
