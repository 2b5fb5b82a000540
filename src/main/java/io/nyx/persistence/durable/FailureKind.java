package io.nyx.persistence.durable;

import io.nyx.persistence.StoreException;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Whether a write that failed can succeed when tried again: the one rule the spools use to tell a
 * frame the database will never take (dead-lettered, so it cannot hold up the frames behind it)
 * from an outage (kept and retried, in order). By the SQLSTATE of the first {@link SQLException}
 * behind the failure:
 *
 * <ul>
 *   <li>class 22 (data exception: a NUL, a value out of range, malformed JSON), class 23 (integrity
 *       constraint: a CHECK, NOT NULL, foreign key) and Nyx's own {@code NYxxx} (a trait function
 *       refusing its arguments): {@link #PERMANENT}. The frame's content is at fault, so every
 *       retry fails the same way.
 *   <li>everything else, {@link #TRANSIENT}: class 08 (cannot connect; also the pool's timeout and
 *       the fail-fast breaker's 08006), 40 (serialization failure, deadlock), 53 (out of memory,
 *       disk or connections), 55 (lock not available), 57 (statement timeout, admin shutdown), XX
 *       (internal), a pool timeout without a state, and also 42 (a missing grant or table): the
 *       database's or the deployment's state, which an operator or time fixes. A spool that stays
 *       stuck behind such a failure while PostgreSQL answers is what {@code /ready} reports.
 * </ul>
 *
 * A failure with no SQLException behind it is a {@link StoreException} about the connection
 * (transient), or, in a replay, a frame this code cannot decode or apply (an {@code IOException} or
 * another runtime exception), which no retry changes: permanent.
 */
enum FailureKind {
  PERMANENT,
  TRANSIENT;

  static FailureKind of(Throwable failure) {
    Optional<String> state = sqlState(failure);
    if (state.isPresent()) {
      String s = state.get();
      return s.startsWith("22") || s.startsWith("23") || s.startsWith("NY") ? PERMANENT : TRANSIENT;
    }
    return failure instanceof StoreException ? TRANSIENT : PERMANENT;
  }

  /** The SQLSTATE of the first SQLException in the cause chain that has one. */
  static Optional<String> sqlState(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException e && e.getSQLState() != null) {
        return Optional.of(e.getSQLState());
      }
    }
    return Optional.empty();
  }
}
