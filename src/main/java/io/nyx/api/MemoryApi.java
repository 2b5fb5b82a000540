package io.nyx.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.nyx.context.Memory;
import io.nyx.context.MemoryBank;
import io.nyx.context.MemoryFilter;
import io.nyx.context.NewMemory;
import io.nyx.context.Recalled;
import io.nyx.pipeline.NyxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Mnemosyne's memory over HTTP: {@code POST /memory} (one object or a list), {@code GET
 * /memory/search?q=&k=}, {@code DELETE /memory/{id}} and {@code DELETE
 * /memory?session_id=&source=}.
 */
final class MemoryApi {
  static final Set<String> FIELDS = Set.of("text", "metadata", "session_id", "source");
  static final int MAX_BATCH = 1_000;
  static final int MAX_TEXT = 20_000;
  static final int MAX_K = 100;
  static final String DEFAULT_SOURCE = "api";
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final MemoryBank bank;
  private final int maxQueryChars;

  MemoryApi(MemoryBank bank, int maxQueryChars) {
    this.bank = bank;
    this.maxQueryChars = maxQueryChars;
  }

  void add(ServerRequest req, ServerResponse res) {
    JsonNode body = parse(Http.body(req));
    if (body instanceof ObjectNode one) {
      Memory m = bank.remember(List.of(memory(one, ""))).getFirst();
      Http.json(res, 200, stored(m));
      return;
    }
    List<NewMemory> batch = batch((ArrayNode) body);
    ObjectNode o = Json.object();
    ArrayNode data = o.putArray("data");
    bank.remember(batch).forEach(m -> data.add(stored(m)));
    Http.json(res, 200, o);
  }

  private static JsonNode parse(byte[] body) {
    JsonNode node = Json.parse(body);
    if (node instanceof ObjectNode || node instanceof ArrayNode) {
      return node;
    }
    throw new NyxException.BadRequest(
        "body", "expected a JSON object or a list of them but got " + Json.kind(node));
  }

  private static List<NewMemory> batch(ArrayNode list) {
    if (list.isEmpty() || list.size() > MAX_BATCH) {
      throw new NyxException.BadRequest(
          "body", "a list of memories must hold 1 to " + MAX_BATCH + " items, got " + list.size());
    }
    List<NewMemory> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof ObjectNode obj)) {
        throw new NyxException.BadRequest(
            "[" + i + "]", "item " + i + " must be an object but was " + Json.kind(list.get(i)));
      }
      out.add(memory(obj, "[" + i + "]."));
    }
    return out;
  }

  private static NewMemory memory(ObjectNode obj, String at) {
    Fields f = new Fields(obj).only(FIELDS);
    try {
      String text = f.requireString("text", MAX_TEXT).strip();
      String source = f.optString("source", 200);
      return new NewMemory(
          text,
          metadata(obj.get("metadata")),
          source == null || source.isBlank() ? DEFAULT_SOURCE : source,
          f.optString("session_id", 200));
    } catch (NyxException.BadRequest e) {
      throw at.isEmpty() ? e : new NyxException.BadRequest(at + e.param(), at + e.getMessage());
    }
  }

  private static Map<String, Object> metadata(@Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new NyxException.BadRequest(
          "metadata", "'metadata' must be an object but was " + Json.kind(node));
    }
    Map<String, Object> m = Json.MAPPER.convertValue(node, MAP);
    m.values().removeIf(v -> v == null); // Map.copyOf downstream rejects nulls
    return m;
  }

  void search(ServerRequest req, ServerResponse res) {
    Query q = new Query(req, Set.of("q", "k"));
    String text = q.require("q", maxQueryChars);
    int k = q.integer("k", 1, MAX_K, 10);
    ObjectNode o = Json.object();
    ArrayNode data = o.putArray("data");
    for (Recalled r : bank.recall(text, null, k)) {
      data.add(
          stored(r.memory())
              .put("text", r.memory().text())
              .put("score", r.score())
              .put("similarity", r.similarity())
              .put("source", r.memory().source())
              .put("session_id", r.memory().sessionId())
              .putPOJO("metadata", r.memory().metadata()));
    }
    Http.json(res, 200, o);
  }

  void delete(ServerRequest req, ServerResponse res) {
    String raw = req.path().pathParameters().get("id");
    long id;
    try {
      id = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new NyxException.BadRequest("id", "memory id must be an integer but was '" + raw + "'");
    }
    if (!bank.forget(id)) {
      throw new NyxException.NotFound("id", "no memory with id " + id);
    }
    Http.json(res, 200, deleted(List.of(id)));
  }

  void deleteWhere(ServerRequest req, ServerResponse res) {
    Query q = new Query(req, Set.of("session_id", "source"));
    String session = q.optional("session_id", 200);
    String source = q.optional("source", 200);
    if (session == null && source == null) {
      throw new NyxException.BadRequest(
          "session_id",
          "give session_id and/or source to delete by filter (or DELETE /memory/{id})");
    }
    Http.json(res, 200, deleted(bank.forget(new MemoryFilter(session, source))));
  }

  private static ObjectNode stored(Memory m) {
    ObjectNode o = Json.object();
    o.put("id", m.id());
    o.put("created_at", m.createdAt().toString());
    return o;
  }

  private static ObjectNode deleted(List<Long> ids) {
    ObjectNode o = Json.object();
    o.put("deleted", ids.size());
    ArrayNode arr = o.putArray("ids");
    ids.forEach(arr::add);
    return o;
  }
}
