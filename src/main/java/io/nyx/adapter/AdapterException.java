package io.nyx.adapter;

import org.jspecify.annotations.Nullable;

/**
 * The ways an adapter operation fails, mapped to an HTTP status once in {@code api.HttpErrors} and
 * to an exit code by the CLI. Messages name what was asked, the state found and what is allowed;
 * {@code param} names the request field at fault ("" when none).
 */
public abstract sealed class AdapterException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String param;

  AdapterException(String param, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.param = param;
  }

  public String param() {
    return param;
  }

  /** The request or the adapter directory is wrong (400). */
  public static final class Invalid extends AdapterException {
    private static final long serialVersionUID = 1L;

    public Invalid(String param, String message) {
      super(param, message, null);
    }
  }

  /** No such adapter or specialist (404). */
  public static final class Unknown extends AdapterException {
    private static final long serialVersionUID = 1L;

    public Unknown(String param, String message) {
      super(param, message, null);
    }
  }

  /** The version's state does not allow it, or another version holds the role (409). */
  public static final class Conflict extends AdapterException {
    private static final long serialVersionUID = 1L;

    public Conflict(String message) {
      super("", message, null);
    }
  }

  /**
   * vLLM refused or failed the adapter: the load was refused (runtime updating off, rank too high),
   * {@code /v1/models} did not list it, or the smoke prompt failed (502). The version is failed.
   */
  public static final class Refused extends AdapterException {
    private static final long serialVersionUID = 1L;

    public Refused(String message, @Nullable Throwable cause) {
      super("", message, cause);
    }
  }

  /** vLLM or the database could not be reached; nothing changed (503). */
  public static final class Unavailable extends AdapterException {
    private static final long serialVersionUID = 1L;

    public Unavailable(String message, @Nullable Throwable cause) {
      super("", message, cause);
    }
  }
}
