package io.nyx.persistence.durable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * A spool frame the database refused for good ({@link FailureKind#PERMANENT}), kept with why and
 * when so an operator can inspect it ({@code nyx spool dead-letters}) and re-drive it once the
 * cause is fixed ({@code nyx spool redrive}). Stored as one frame of the spool's {@code .dead}
 * file: this record as JSON, the original frame base64-encoded so a re-drive puts back exactly its
 * bytes.
 *
 * @param spool which spool: rows, feedback, follow-up, trait evidence
 * @param frameId the id the frame carries (query or write id), or "unknown"
 * @param sqlState the database's SQLSTATE, or "" when the frame failed before reaching it
 * @param error the failure's message
 * @param frameBase64 the original frame, base64
 */
public record DeadLetter(
    String spool, Instant at, String frameId, String sqlState, String error, String frameBase64) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static DeadLetter of(String spool, Instant at, String frameId, Throwable why, byte[] frame) {
    return new DeadLetter(
        spool,
        at,
        frameId,
        FailureKind.sqlState(why).orElse(""),
        String.valueOf(why.getMessage()),
        Base64.getEncoder().encodeToString(frame));
  }

  /** The original frame's bytes. */
  public byte[] frame() {
    return Base64.getDecoder().decode(frameBase64);
  }

  /** The original frame as text (every spool writes JSON). */
  public String frameText() {
    return new String(frame(), StandardCharsets.UTF_8);
  }

  byte[] encode() {
    ObjectNode o = JSON.createObjectNode();
    o.put("spool", spool);
    o.put("at", at.toString());
    o.put("frame_id", frameId);
    o.put("sqlstate", sqlState);
    o.put("error", error);
    o.put("frame_base64", frameBase64);
    try {
      return JSON.writeValueAsBytes(io.nyx.text.JsonText.clean(o));
    } catch (IOException e) {
      throw new IllegalStateException("a dead letter is always serialisable", e);
    }
  }

  static DeadLetter decode(byte[] bytes) throws IOException {
    JsonNode o = JSON.readTree(bytes);
    return new DeadLetter(
        o.path("spool").asText(),
        Instant.parse(o.path("at").asText()),
        o.path("frame_id").asText(),
        o.path("sqlstate").asText(),
        o.path("error").asText(),
        o.path("frame_base64").asText());
  }
}
