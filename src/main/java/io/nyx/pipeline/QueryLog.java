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
}
