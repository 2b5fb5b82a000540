package io.nyx.pipeline;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The few ways a Nyx request fails, mapped to an HTTP status once, in {@code api.HttpErrors}.
 * {@code param} names the request field at fault (or "" when none); {@code queryId} is set when the
 * request was recorded despite failing.
 */
public abstract sealed class NyxException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String param;
  private final @Nullable UUID queryId;

  NyxException(String message, String param, @Nullable UUID queryId, @Nullable Throwable cause) {
    super(message, cause);
    this.param = param;
    this.queryId = queryId;
  }

  public String param() {
    return param;
  }

  public @Nullable UUID queryId() {
    return queryId;
  }

  /** The request is wrong; {@code param} names the field. */
  public static final class BadRequest extends NyxException {
    private static final long serialVersionUID = 1L;

    public BadRequest(String param, String message) {
      super(message, param, null, null);
    }

    public BadRequest(String param, String message, @Nullable UUID queryId) {
      super(message, param, queryId, null);
    }
  }

  /**
   * The caller may not do this with its key (another tenant's records, an admin-only field); {@code
   * param} names the field.
   */
  public static final class Forbidden extends NyxException {
    private static final long serialVersionUID = 1L;

    public Forbidden(String param, String message) {
      super(message, param, null, null);
    }
  }

  /** The thing asked for does not exist (a query id, a trait). */
  public static final class NotFound extends NyxException {
    private static final long serialVersionUID = 1L;

    public NotFound(String param, String message) {
      super(message, param, null, null);
    }
  }

  /**
   * The request is valid but the thing it names is in a state that refuses it (rating a request
   * that failed and so has no answer); {@code param} names the field.
   */
  public static final class Conflict extends NyxException {
    private static final long serialVersionUID = 1L;

    public Conflict(String param, String message) {
      super(message, param, null, null);
    }
  }

  /** A dependency (model server, database) is down; the caller may retry after a while. */
  public static final class Unavailable extends NyxException {
    private static final long serialVersionUID = 1L;

    public Unavailable(String message, @Nullable UUID queryId, @Nullable Throwable cause) {
      super(message, "", queryId, cause);
    }
  }

  /** The model server answered, but wrongly (5xx, malformed output). */
  public static final class UpstreamFailed extends NyxException {
    private static final long serialVersionUID = 1L;

    public UpstreamFailed(String message, @Nullable UUID queryId, @Nullable Throwable cause) {
      super(message, "", queryId, cause);
    }
  }
}
