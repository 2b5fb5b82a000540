package io.nyx.api;

/**
 * A request body that cannot be read as framed: a chunk size that is not a number or beyond the
 * body limit, a bad chunk end, or a client that stopped sending mid-body. The client's fault (400,
 * or 413 when too large), never a server error; and since the byte stream no longer shows where the
 * next request starts, the connection is closed after the answer.
 */
final class UnreadableBody extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  UnreadableBody(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  int status() {
    return status;
  }
}
