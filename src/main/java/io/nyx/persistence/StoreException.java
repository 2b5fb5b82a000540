package io.nyx.persistence;

/** The database failed or is unreachable; the message says which operation. */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String operation, Throwable cause) {
    super("database " + operation + " failed: " + cause.getMessage(), cause);
  }
}
