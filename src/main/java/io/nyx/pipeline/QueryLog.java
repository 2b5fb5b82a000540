package io.nyx.pipeline;

import java.util.Optional;
import java.util.UUID;

/**
 * The request log ({@code nyx_synthetic_specialist_queries}). Thread-safe. Failures raise {@link
 * io.nyx.persistence.StoreException}.
 */
public interface QueryLog {

  /** Inserts the row; a second append with the same id is ignored (idempotent by id). */
  void append(QueryRecord record);

  Optional<QueryRecord> find(UUID id);

  /** Appends every record, in order; an implementation may do it in one round trip. */
  default void appendAll(java.util.List<QueryRecord> records) {
    records.forEach(this::append);
  }
}
