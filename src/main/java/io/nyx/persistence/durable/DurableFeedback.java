package io.nyx.persistence.durable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nyx.pipeline.Feedback;
import io.nyx.pipeline.FeedbackService;
import io.nyx.pipeline.NyxException;
import io.nyx.security.Caller;
import io.nyx.text.JsonText;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.UUID;
import java.util.function.IntSupplier;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Human feedback that survives a database outage: applied at once when PostgreSQL answers,
 * otherwise forced to a local spool and acknowledged as queued, then applied in order when the
 * database is back (or at the next start, also after kill -9). Replay waits until the request rows
 * are out of their own spool, since feedback may rate a row that is still there. A replayed
 * feedback keeps its id, and applying an id twice changes nothing, so replay is exactly once.
 * Feedback on a query id the database turns out not to have is dropped at replay, with a warning.
 * Thread-safe.
 */
public final class DurableFeedback implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(DurableFeedback.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What became of a submitted feedback. */
  public sealed interface Result {}

  /** Applied now: the row's reward and the trait moved. */
  public record Applied(FeedbackService.Outcome outcome) implements Result {}

  /** The database was unreachable: the feedback is on disk and will be applied when it is back. */
  public record Queued(Feedback feedback) implements Result {}

  private final FeedbackService service;
  private final ReplaySpool spool;

  /**
   * @param rowsSpooled request rows not yet in the database; replay waits for them to reach zero
   */
  public DurableFeedback(
      FeedbackService service,
      Path spoolDir,
      IntSupplier rowsSpooled,
      Duration retryInterval,
      InstantSource clock) {
    this.service = service;
    this.spool =
        new ReplaySpool(
            spoolDir.resolve("feedback.spool"),
            "feedback",
            () -> rowsSpooled.getAsInt() == 0,
            ReplaySpool.Writer.each(
                frame -> replay(decode(frame)), ReplaySpool.Writer.jsonId("id")),
            retryInterval,
            clock);
  }

  /**
   * Applies the feedback of {@code by}, or queues it when the database is unreachable (its owner is
   * checked when it is applied).
   *
   * @throws NyxException.NotFound when the database answers and has no such query of the caller's
   *     tenant
   * @throws NyxException.Conflict when that query failed and has no answer to rate
   */
  public Result submit(UUID queryId, double rating, String comment, Caller by) {
    return submit(queryId, rating, comment, null, by);
  }

  /**
   * As above, with the answer that should have been given ({@code correction}, null: none); it is
   * spooled with the rating.
   */
  public Result submit(
      UUID queryId, double rating, String comment, @Nullable String correction, Caller by) {
    Feedback fb = service.feedback(queryId, rating, comment, correction, by);
    return spool
        .write(() -> service.apply(fb), () -> encode(fb))
        .<Result>map(Applied::new)
        .orElseGet(() -> new Queued(fb));
  }

  /** Feedback acknowledged as queued but not yet applied. */
  public int pending() {
    return spool.pending();
  }

  /** The spool's state: feedback waiting, feedback dead-lettered. */
  public SpoolState spoolState() {
    return spool.state();
  }

  /** Applies every queued feedback now if the database allows; true when none is left. */
  public boolean replayNow() {
    return spool.replayNow();
  }

  private void replay(Feedback fb) {
    try {
      service.apply(fb);
    } catch (NyxException.NotFound | NyxException.Conflict e) {
      LOG.warning("dropping spooled feedback " + fb.id() + ": " + e.getMessage());
    }
  }

  static byte[] encode(Feedback fb) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", fb.id().toString());
    o.put("query_id", fb.queryId().toString());
    o.put("rating", fb.rating());
    o.put("comment", fb.comment());
    o.put("at", fb.at().toString());
    o.put("rater", fb.rater());
    o.put("tenant", fb.by().tenant());
    o.put("key_name", fb.by().keyName());
    o.put("admin", fb.by().admin());
    if (fb.correction() != null) {
      o.put("correction", fb.correction());
    }
    try {
      return JSON.writeValueAsBytes(JsonText.clean(o)); // encodable as UTF-8: see Sql.text
    } catch (IOException e) {
      throw new IllegalStateException("feedback is always serialisable", e);
    }
  }

  static Feedback decode(byte[] frame) throws IOException {
    JsonNode o = JSON.readTree(frame);
    UUID id = UUID.fromString(o.get("id").asText());
    return new Feedback(
        id,
        UUID.fromString(o.get("query_id").asText()),
        o.get("rating").asDouble(),
        o.get("comment").asText(),
        Instant.parse(o.get("at").asText()),
        // Spooled before tenants: the local user's, each its own rater (nothing to replace).
        o.hasNonNull("rater") ? o.get("rater").asText() : "spooled:" + id,
        o.hasNonNull("tenant") ? caller(o) : Caller.LOCAL,
        // Frames spooled before corrections existed have none.
        o.hasNonNull("correction") ? o.get("correction").asText() : null);
  }

  private static Caller caller(JsonNode o) {
    JsonNode key = o.get("key_name");
    return new Caller(
        o.get("tenant").asText(),
        key == null || key.isNull() ? null : key.asText(),
        o.path("admin").asBoolean(false));
  }

  /** Stops the replayer after one last attempt; what is still queued waits for the next start. */
  @Override
  public void close() {
    spool.close();
  }
}
