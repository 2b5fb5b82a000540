package io.nyx.persistence.durable;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nyx.pipeline.QueryRecord;
import io.nyx.testing.QueryRecords;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Spool frames carry the adapter version, and frames written before versions still decode. */
class QueryRecordCodecTest {
  private static final Instant AT = Instant.parse("2026-11-26T10:00:00.123456Z");

  @Test
  void theAdapterVersionRoundTrips() throws Exception {
    QueryRecord r = QueryRecords.full(UUID.randomUUID(), AT);
    QueryRecord versioned =
        new QueryRecord(
            r.id(),
            r.createdAt(),
            r.sessionId(),
            r.query(),
            r.specialist(),
            r.adapter(),
            r.routeMethod(),
            r.routeConfidence(),
            r.route(),
            r.messages(),
            r.decoding(),
            r.context(),
            r.response(),
            r.finishReason(),
            r.confidence(),
            r.reward(),
            r.promptTokens(),
            r.completionTokens(),
            r.latencyMs(),
            r.backendLatencyMs(),
            r.status(),
            r.error(),
            r.tenant(),
            r.keyName(),
            3);

    assertThat(QueryRecordCodec.decode(QueryRecordCodec.encode(versioned))).isEqualTo(versioned);
  }

  @Test
  void aFrameFromBeforeVersionsDecodesWithoutOne() throws Exception {
    QueryRecord r = QueryRecords.full(UUID.randomUUID(), AT);
    ObjectMapper json = new ObjectMapper();
    ObjectNode old = (ObjectNode) json.readTree(QueryRecordCodec.encode(r));
    old.remove("adapter_version");

    QueryRecord decoded = QueryRecordCodec.decode(json.writeValueAsBytes(old));
    assertThat(decoded.adapterVersion()).isNull();
    assertThat(decoded).isEqualTo(r);
  }
}
