package io.nyx.backend;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The closed set of backend failures. One mapper (in {@code openai}) turns HTTP statuses and I/O
 * errors into these; the API edge maps them to Nyx's HTTP statuses once. {@link #retryable()} says
 * whether the same request may succeed if sent again (only before the first byte of a response).
 */
public abstract sealed class BackendException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String url;
  private final boolean afterFirstByte;

  BackendException(String url, String message, boolean afterFirstByte, @Nullable Throwable cause) {
    super(message, cause);
    this.url = url;
    this.afterFirstByte = afterFirstByte;
  }

  /** Never null: every subtype's constructor builds it from the URL and what failed. */
  @Override
  public String getMessage() {
    return Objects.requireNonNull(super.getMessage(), "every constructor passes a message");
  }

  /** The backend URL that failed, for messages that name it. */
  public String url() {
    return url;
  }

  /** True when part of a response had already arrived (a retry would duplicate output). */
  public boolean afterFirstByte() {
    return afterFirstByte;
  }

  public abstract boolean retryable();

  /** Connection refused, reset before any response, DNS failure. */
  public static final class Unreachable extends BackendException {
    private static final long serialVersionUID = 1L;

    public Unreachable(String url, Throwable cause) {
      super(url, "backend " + url + " is unreachable: " + cause, false, cause);
    }

    @Override
    public boolean retryable() {
      return true;
    }
  }

  /** Connect or read timeout. */
  public static final class Timeout extends BackendException {
    private static final long serialVersionUID = 1L;

    public Timeout(String url, String phase, long timeoutMs, boolean afterFirstByte) {
      super(
          url,
          "backend " + url + " timed out (" + phase + ", " + timeoutMs + " ms)",
          afterFirstByte,
          null);
    }

    @Override
    public boolean retryable() {
      return !afterFirstByte();
    }
  }

  /** 404 for the model field: the adapter is not loaded on the backend. */
  public static final class ModelNotFound extends BackendException {
    private static final long serialVersionUID = 1L;
    private final String model;

    public ModelNotFound(String url, String model, String backendMessage) {
      super(
          url, "backend " + url + " has no model '" + model + "': " + backendMessage, false, null);
      this.model = model;
    }

    public String model() {
      return model;
    }

    @Override
    public boolean retryable() {
      return false;
    }
  }

  /** Any other 4xx: the request itself was refused (context too long, bad params, auth). */
  public static final class Rejected extends BackendException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String param;

    public Rejected(String url, int status, String type, String param, String backendMessage) {
      super(
          url,
          "backend "
              + url
              + " rejected the request ("
              + status
              + " "
              + type
              + "): "
              + backendMessage,
          false,
          null);
      this.status = status;
      this.param = param;
    }

    public int status() {
      return status;
    }

    /** The request parameter the backend blamed, or "" when it named none. */
    public String param() {
      return param;
    }

    @Override
    public boolean retryable() {
      return status == 429;
    }
  }

  /** 5xx, or an error event inside a stream. */
  public static final class ServerError extends BackendException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public ServerError(String url, int status, String backendMessage, boolean afterFirstByte) {
      super(
          url,
          "backend " + url + " failed (" + status + "): " + backendMessage,
          afterFirstByte,
          null);
      this.status = status;
    }

    public int status() {
      return status;
    }

    @Override
    public boolean retryable() {
      return !afterFirstByte();
    }
  }

  /** The body was not what the protocol says (malformed JSON, truncated stream, no choices). */
  public static final class Malformed extends BackendException {
    private static final long serialVersionUID = 1L;

    public Malformed(String url, String what, boolean afterFirstByte, @Nullable Throwable cause) {
      super(url, "backend " + url + " sent a malformed response: " + what, afterFirstByte, cause);
    }

    @Override
    public boolean retryable() {
      return !afterFirstByte();
    }
  }
}
