package io.nyx.foresight;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Moira's predictions ({@code nyx_predictions}). Thread-safe. */
public interface PredictionStore {

  /** Stores the prediction an answer of {@code tenant} made; returns its id. */
  long save(
      UUID queryId,
      String tenant,
      @Nullable String specialist,
      String text,
      List<Scenario> scenarios,
      Instant at);

  Optional<Prediction> find(long id);

  /**
   * Records the outcome of an unresolved prediction, atomically (one resolution wins).
   *
   * @return true when this call resolved it; false when unknown or already resolved
   */
  boolean resolve(long id, String outcome, double score, Instant at);

  /** Undoes {@link #resolve} (when applying its reward failed). */
  void reopen(long id);

  /** For tests: predictions made by one query. */
  List<Prediction> forQuery(UUID queryId);

  PredictionStore NONE =
      new PredictionStore() {
        @Override
        public long save(
            UUID q,
            String tenant,
            @Nullable String s,
            String text,
            List<Scenario> scenarios,
            Instant at) {
          return 0;
        }

        @Override
        public Optional<Prediction> find(long id) {
          return Optional.empty();
        }

        @Override
        public boolean resolve(long id, String outcome, double score, Instant at) {
          return false;
        }

        @Override
        public void reopen(long id) {}

        @Override
        public List<Prediction> forQuery(UUID queryId) {
          return List.of();
        }
      };
}
