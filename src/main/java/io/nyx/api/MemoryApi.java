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
import io.nyx.memory.Audience;
import io.nyx.memory.Owner;
import io.nyx.pipeline.NyxException;
import io.nyx.security.Caller;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Mnemosyne's memory over HTTP: {@code POST /memory} (one object or a list), {@code GET
 * /memory/search?q=&k=&session_id=}, {@code DELETE /memory/{id}} and {@code DELETE
 * /memory?session_id=&source=}.
 *
 * <p>Every memory belongs to the caller's tenant. A key sees and deletes its own tenant's memories
 * (and sees those shared by anyone); an administrator sees and deletes every tenant's, may store
 * into another tenant ({@code tenant}) and may mark a memory {@code shared}. Sharing is kept to
 * administrators because a shared memory is recalled into every tenant's prompts.
 */
final class MemoryApi {
  static final Set<String> FIELDS =
      Set.of("text", "metadata", "session_id", "source", "tenant", "shared");
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
    Caller caller = AuthFilter.caller(req);
    if (body instanceof ObjectNode one) {
      Memory m = bank.remember(List.of(memory(one, "", caller))).getFirst();
      Http.json(res, 200, stored(m));
      return;
    }
    List<NewMemory> batch = batch((ArrayNode) body, caller);
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

  private static List<NewMemory> batch(ArrayNode list, Caller caller) {
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
      out.add(memory(obj, "[" + i + "].", caller));
    }
    return out;
  }

  private static NewMemory memory(ObjectNode obj, String at, Caller caller) {
    Fields f = new Fields(obj).only(FIELDS);
    try {
      String text = f.requireString("text", MAX_TEXT).strip();
      String source = f.optString("source", 200);
      Owner owner =
          new Owner(
              tenant(f.optString("tenant", 64), caller),
              f.optString("session_id", 200),
              shared(f.optBool("shared", false), caller));
      return new NewMemory(
          text,
          metadata(obj.get("metadata")),
          source == null || source.isBlank() ? DEFAULT_SOURCE : source,
          owner);
    } catch (NyxException.BadRequest e) {
      throw at.isEmpty() ? e : new NyxException.BadRequest(at + e.param(), at + e.getMessage());
    } catch (NyxException.Forbidden e) {
      throw at.isEmpty() ? e : new NyxException.Forbidden(at + e.param(), at + e.getMessage());
    }
  }

  /** The tenant a memory is stored for: the caller's own, or any an administrator names. */
  private static String tenant(@Nullable String asked, Caller caller) {
    if (asked == null || asked.equals(caller.tenant())) {
      return caller.tenant();
    }
    if (!caller.admin()) {
      throw new NyxException.Forbidden(
          "tenant",
          "'tenant' may name another tenant only with the admin scope; this key's tenant is '"
              + caller.tenant()
              + "'");
    }
    if (!Owner.TENANT.matcher(asked).matches()) {
      throw new NyxException.BadRequest(
          "tenant", "'tenant' must match " + Owner.TENANT.pattern() + " but was '" + asked + "'");
    }
    return asked;
  }

  private static boolean shared(boolean asked, Caller caller) {
    if (asked && !caller.admin()) {
      throw new NyxException.Forbidden(
          "shared",
          "'shared' needs the admin scope: a shared memory reaches every tenant's prompts");
    }
    return asked;
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

  /**
   * The best matches the caller may see: with {@code session_id}, what a request in that session
   * would recall (its tenant-wide and that session's memories); without, every session of the
   * caller's tenant (an administrator: of every tenant).
   */
  void search(ServerRequest req, ServerResponse res) {
    Query q = new Query(req, Set.of("q", "k", "session_id"));
    String text = q.require("q", maxQueryChars);
    int k = q.integer("k", 1, MAX_K, 10);
    String session = q.optional("session_id", 200);
    Caller caller = AuthFilter.caller(req);
    Audience audience =
        session != null ? Audience.Tenant.recall(caller.tenant(), session) : caller.reads();
    ObjectNode o = Json.object();
    ArrayNode data = o.putArray("data");
    for (Recalled r : bank.recall(text, null, k, audience)) {
      Memory m = r.memory();
      data.add(
          stored(m)
              .put("text", m.text())
              .put("score", r.score())
              .put("similarity", r.similarity())
              .put("source", m.source())
              .put("session_id", m.sessionId())
              .put("tenant", m.owner().tenant())
              .put("shared", m.owner().shared())
              .putPOJO("metadata", m.metadata()));
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
    if (!bank.forget(id, AuthFilter.caller(req).reads())) {
      throw new NyxException.NotFound("id", "no memory with id " + id);
    }
    Http.json(res, 200, deleted(List.of(id)));
  }

  /**
   * Deletes the caller's tenant's memories matching the filter; an administrator's filter spans
   * every tenant unless it names one ({@code tenant}).
   */
  void deleteWhere(ServerRequest req, ServerResponse res) {
    Query q = new Query(req, Set.of("session_id", "source", "tenant"));
    String session = q.optional("session_id", 200);
    String source = q.optional("source", 200);
    if (session == null && source == null) {
      throw new NyxException.BadRequest(
          "session_id",
          "give session_id and/or source to delete by filter (or DELETE /memory/{id})");
    }
    Caller caller = AuthFilter.caller(req);
    String asked = q.optional("tenant", 64);
    String tenant = caller.admin() && asked == null ? null : tenant(asked, caller);
    Http.json(res, 200, deleted(bank.forget(new MemoryFilter(tenant, session, source))));
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
