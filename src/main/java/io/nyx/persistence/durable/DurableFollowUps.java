package io.nyx.persistence.durable;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nyx.foresight.Prediction;
import io.nyx.foresight.PredictionStore;
import io.nyx.foresight.Scenario;
import io.nyx.memory.Owner;
import io.nyx.safety.ReviewItem;
import io.nyx.safety.ReviewQueue;
import io.nyx.safety.RiskAssessment;
import io.nyx.text.JsonText;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The writes that follow an answer — a flagged exchange queued for review, Moira's prediction —
 * made durable like the request row: when PostgreSQL is away they go to a local spool and are
 * written, in order, once it is back (after the rows they refer to). The tables take each at most
 * once (one review per query and stage, one prediction per query), so replay is exactly once. While
 * spooled, {@code enqueue} and {@code save} return 0: the id is not known yet. Thread-safe.
 */
public final class DurableFollowUps implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<Scenario>> SCENARIOS = new TypeReference<>() {};

  private final ReviewQueue reviews;
  private final PredictionStore predictions;
  private final ReplaySpool spool;

  public DurableFollowUps(
      ReviewQueue reviews,
      PredictionStore predictions,
      Path spoolDir,
      IntSupplier rowsSpooled,
      Duration retryInterval,
      InstantSource clock) {
    this.reviews = reviews;
    this.predictions = predictions;
    this.spool =
        new ReplaySpool(
            spoolDir.resolve("follow-ups.spool"),
            "follow-up",
            () -> rowsSpooled.getAsInt() == 0,
            ReplaySpool.Writer.each(this::replay, ReplaySpool.Writer.jsonId("query_id")),
            retryInterval,
            clock);
  }

  /** Writes not yet in the database. */
  public int pending() {
    return spool.pending();
  }

  /** The spool's state: writes waiting, writes dead-lettered. */
  public SpoolState spoolState() {
    return spool.state();
  }

  /** The review queue, with enqueue made durable. */
  public ReviewQueue reviews() {
    return new DurableReviews();
  }

  /** The prediction store, with save made durable. */
  public PredictionStore predictions() {
    return new DurablePredictions();
  }

  private long review(UUID queryId, String tenant, String stage, RiskAssessment a, Instant at) {
    Supplier<byte[]> frame =
        () -> {
          ObjectNode o = frame("review", queryId, tenant, at);
          o.put("stage", stage);
          o.set("assessment", JSON.valueToTree(a));
          return bytes(o);
        };
    return spool.write(() -> reviews.enqueue(queryId, tenant, stage, a, at), frame).orElse(0L);
  }

  private long prediction(
      UUID queryId,
      String tenant,
      @Nullable String specialist,
      String text,
      List<Scenario> s,
      Instant at) {
    Supplier<byte[]> frame =
        () -> {
          ObjectNode o = frame("prediction", queryId, tenant, at);
          o.put("specialist", specialist);
          o.put("text", text);
          o.set("scenarios", JSON.valueToTree(s));
          return bytes(o);
        };
    return spool
        .write(() -> predictions.save(queryId, tenant, specialist, text, s, at), frame)
        .orElse(0L);
  }

  private void replay(byte[] frame) throws IOException {
    JsonNode o = JSON.readTree(frame);
    UUID queryId = UUID.fromString(o.get("query_id").asText());
    Instant at = Instant.parse(o.get("at").asText());
    // Frames spooled before tenants existed belong to the local tenant, like their rows.
    String tenant = o.hasNonNull("tenant") ? o.get("tenant").asText() : Owner.LOCAL;
    switch (o.get("kind").asText()) {
      case "review" ->
          reviews.enqueue(
              queryId,
              tenant,
              o.get("stage").asText(),
              JSON.treeToValue(o.get("assessment"), RiskAssessment.class),
              at);
      case "prediction" ->
          predictions.save(
              queryId,
              tenant,
              o.get("specialist").isNull() ? null : o.get("specialist").asText(),
              o.get("text").asText(),
              JSON.convertValue(o.get("scenarios"), SCENARIOS),
              at);
      default -> throw new IOException("unknown follow-up kind " + o.get("kind"));
    }
  }

  private static ObjectNode frame(String kind, UUID queryId, String tenant, Instant at) {
    ObjectNode o = JSON.createObjectNode();
    o.put("kind", kind);
    o.put("query_id", queryId.toString());
    o.put("tenant", tenant);
    o.put("at", at.toString());
    return o;
  }

  private static byte[] bytes(ObjectNode o) {
    try {
      return JSON.writeValueAsBytes(JsonText.clean(o)); // model text: see Sql.text
    } catch (IOException e) {
      throw new IllegalStateException("a follow-up is always serialisable", e);
    }
  }

  @Override
  public void close() {
    spool.close();
  }

  private final class DurableReviews implements ReviewQueue {
    @Override
    public long enqueue(
        UUID queryId, String tenant, String stage, RiskAssessment assessment, Instant at) {
      return review(queryId, tenant, stage, assessment, at);
    }

    @Override
    public List<ReviewItem> pending(int limit) {
      return reviews.pending(limit);
    }

    @Override
    public Optional<ReviewItem> decide(
        long id, String verdict, double rating, String note, Instant at) {
      return reviews.decide(id, verdict, rating, note, at);
    }

    @Override
    public void reopen(long id) {
      reviews.reopen(id);
    }
  }

  private final class DurablePredictions implements PredictionStore {
    @Override
    public long save(
        UUID queryId,
        String tenant,
        @Nullable String specialist,
        String text,
        List<Scenario> s,
        Instant at) {
      return prediction(queryId, tenant, specialist, text, s, at);
    }

    @Override
    public Optional<Prediction> find(long id) {
      return predictions.find(id);
    }

    @Override
    public boolean resolve(long id, String outcome, double score, Instant at) {
      return predictions.resolve(id, outcome, score, at);
    }

    @Override
    public void reopen(long id) {
      predictions.reopen(id);
    }

    @Override
    public List<Prediction> forQuery(UUID queryId) {
      return predictions.forQuery(queryId);
    }
  }
}
