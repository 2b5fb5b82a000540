package io.nyx.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An in-process fake of vLLM's OpenAI-compatible server (docs/operations.md), on 127.0.0.1 and a
 * free port, for tests that must not need a GPU. It serves:
 *
 * <ul>
 *   <li>{@code GET /v1/models}: the base model card and one card per loaded adapter (1.4, 9.1);
 *   <li>{@code POST /v1/chat/completions}: non-streaming (9.2) and SSE streaming (9.3), with
 *       logprobs and top_logprobs, usage, {@code response_format} json_schema and json_object,
 *       {@code stop}, tool calls ({@link FakeVllmTools}), vLLM's validation 400s and the 404 for an
 *       unknown model; an empty or absent model means the base model. Every request body is
 *       recorded ({@link #requests}), so tests see what was passed on;
 *   <li>{@code POST /v1/load_lora_adapter}, {@code /v1/unload_lora_adapter} with plain-text success
 *       bodies and JSON errors (1.5, 9.5);
 *   <li>{@code POST /v1/embeddings}: deterministic unit vectors from the words of each input (5);
 *   <li>{@code GET /health}: 200 with an empty body;
 *   <li>{@code GET /metrics}: {@code vllm:num_requests_running} and {@code
 *       vllm:num_requests_waiting} (4), the latter as set by {@link #waiting} plus the requests
 *       waiting for a batch slot ({@link #maxRunning}).
 * </ul>
 *
 * <p>Generation is deterministic: the content comes from {@link #reply} (or {@link
 * #replyStructured} when the request has a json_schema {@code response_format}), and its tokens are
 * its whitespace-separated pieces, each keeping its leading space ("a b" is "a", " b"); {@code
 * max_tokens} cuts the token list and sets finish_reason "length". Every token reports {@link
 * #logprob}. Faults ({@code failNext}, {@code hangNext}, ...) apply only to chat-completions
 * requests, queued faults first, in order; {@link #delay} applies to every request.
 *
 * <p>Thread-safe. Close it (try-with-resources or {@code @AfterEach}); closing releases hung
 * requests.
 */
public final class FakeVllm implements AutoCloseable {
  static {
    // uvicorn (vLLM's server) sends with TCP_NODELAY; the JDK's server does not by default, and
    // Nagle's algorithm meeting the client's delayed ACK held responses of 16-64 KB back 40 ms.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  public static final String DEFAULT_BASE_MODEL = "Qwen/Qwen2.5-7B-Instruct";
  public static final int MAX_MODEL_LEN = 32768;
  public static final double DEFAULT_LOGPROB = -0.05;

  /**
   * The name {@code /v1/embeddings} answers to, besides the base model: the model operations.md
   * serves, so that Nyx screens risk on these vectors as it would on that model's (the vectors
   * themselves are hashed words).
   */
  public static final String EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2";

  public static final int DEFAULT_EMBEDDING_DIMENSION = 64;

  private final String baseModel;
  private final long created = Instant.now().getEpochSecond();
  private final Map<String, String> adapters = Collections.synchronizedMap(new LinkedHashMap<>());
  private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
  private final Deque<FakeVllmFault> nextFaults = new ConcurrentLinkedDeque<>();
  private final CountDownLatch closing = new CountDownLatch(1);
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpServer server;
  private final FakeVllmChat chat = new FakeVllmChat(this);

  private volatile @Nullable FakeVllmFault alwaysFault;
  private volatile BiFunction<String, JsonNode, String> reply = FakeVllm::defaultReply;
  private volatile Function<JsonNode, String> structured = FakeVllmChat::defaultStructured;
  private volatile double logprob = DEFAULT_LOGPROB;
  private final Map<String, Double> modelLogprobs = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, FakeVllmFault.Fail> modelFaults =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile boolean runtimeLoraUpdating = true;
  private volatile int maxLoraRank = Integer.MAX_VALUE;
  private volatile boolean requireAdapterFiles;
  private final java.util.concurrent.atomic.AtomicInteger loadRequests =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile Duration delay = Duration.ZERO;
  private volatile Duration streamInterval = Duration.ZERO;
  private volatile boolean legacyErrors;
  private volatile boolean autoToolChoice = true;
  private volatile @Nullable String apiKey;
  private volatile int embeddingDimension = DEFAULT_EMBEDDING_DIMENSION;
  private volatile boolean recording = true;
  private volatile @Nullable Duration embeddingDelay;
  private volatile int embeddingMaxWords = Integer.MAX_VALUE;
  private final java.util.concurrent.atomic.AtomicInteger embeddingRequests =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger embeddingInputs =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile @Nullable JsonNode lastEmbeddingRequest;
  private volatile int waiting;
  private volatile java.util.concurrent.@Nullable Semaphore slots;
  private final java.util.concurrent.atomic.AtomicInteger modelsRequests =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger queued =
      new java.util.concurrent.atomic.AtomicInteger();

  /** One chat-completions request as received: its JSON body and headers (lower-case names). */
  record Received(JsonNode body, Map<String, String> headers) {}

  private FakeVllm(String baseModel, List<String> adapterNames) throws IOException {
    this.baseModel = baseModel;
    adapterNames.forEach(this::loadAdapter);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Starts a fake serving {@code baseModel} with {@code adapters} loaded (paths /adapters/name).
   */
  public static FakeVllm start(String baseModel, List<String> adapters) {
    try {
      return new FakeVllm(baseModel, adapters);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the fake vLLM to 127.0.0.1", e);
    }
  }

  /** {@link #DEFAULT_BASE_MODEL} and no adapters. */
  public static FakeVllm start() {
    return start(DEFAULT_BASE_MODEL, List.of());
  }

  /** E.g. {@code http://127.0.0.1:41234/v1}, the value for a backend's base URL. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String baseModel() {
    return baseModel;
  }

  // ---- behaviour ----

  /**
   * Content of plain (non-json_schema) answers, from the response model name (adapter or base) and
   * the request body. Default: {@code "[" + model + "] You asked: " + last user message}.
   */
  public FakeVllm reply(BiFunction<String, JsonNode, String> content) {
    this.reply = content;
    return this;
  }

  /**
   * Content when the request has {@code response_format.type == "json_schema"}. Default: a JSON
   * object giving the first property that has an {@code enum} its first value, plus {@code
   * "confidence":0.9}.
   */
  public FakeVllm replyStructured(Function<JsonNode, String> json) {
    this.structured = json;
    return this;
  }

  /** The logprob reported for every generated token (default -0.05). */
  public FakeVllm logprob(double perToken) {
    this.logprob = perToken;
    return this;
  }

  /**
   * The logprob every token of {@code model}'s answers reports, instead of {@link #logprob}: how a
   * test makes one adapter's answers better or worse (Nyx's reward follows the confidence).
   */
  public FakeVllm logprob(String model, double perToken) {
    modelLogprobs.put(model, perToken);
    return this;
  }

  /** Every chat request for {@code model} gets {@code status}, until {@link #clearFaults}. */
  public FakeVllm failModel(String model, int status, String type, String message) {
    modelFaults.put(model, new FakeVllmFault.Fail(status, type, message));
    return this;
  }

  /**
   * Off: vLLM started without {@code VLLM_ALLOW_RUNTIME_LORA_UPDATING}, so the load and unload
   * routes do not exist (FastAPI's 404 {@code {"detail":"Not Found"}}). Default on.
   */
  public FakeVllm runtimeLoraUpdating(boolean on) {
    this.runtimeLoraUpdating = on;
    return this;
  }

  /**
   * Like {@code --max-lora-rank}: a load whose {@code adapter_config.json} (if the path has one)
   * says {@code r} above this is refused with vLLM's 400 {@code BadRequestError}.
   */
  public FakeVllm maxLoraRank(int rank) {
    this.maxLoraRank = rank;
    return this;
  }

  /**
   * On: a load whose path holds no {@code adapter_config.json} fails as vLLM's engine does (404
   * {@code NotFoundError} "No adapter found ..."). Off by default, so tests may load made-up paths.
   */
  public FakeVllm requireAdapterFiles(boolean on) {
    this.requireAdapterFiles = on;
    return this;
  }

  /** {@code POST /v1/load_lora_adapter} requests received, answered or not. */
  public int loadRequests() {
    return loadRequests.get();
  }

  /** Wait this long before answering every request (default none). */
  public FakeVllm delay(Duration delay) {
    this.delay = delay;
    return this;
  }

  /** Pause between the chunks of a stream (default none), e.g. to space out tokens. */
  public FakeVllm streamInterval(Duration interval) {
    this.streamInterval = interval;
    return this;
  }

  /** Old (< 0.10.1) flat error bodies {@code {"object":"error",...}} instead of nested ones. */
  public FakeVllm legacyErrors(boolean legacy) {
    this.legacyErrors = legacy;
    return this;
  }

  /**
   * Off: like a server started without {@code --enable-auto-tool-choice}, {@code tool_choice:
   * "auto"} is a 400, as vLLM answers without --enable-auto-tool-choice. On by default.
   */
  public FakeVllm autoToolChoice(boolean enabled) {
    this.autoToolChoice = enabled;
    return this;
  }

  /** Like {@code --api-key}: /v1 paths then need {@code Authorization: Bearer key}, else 401. */
  public FakeVllm requireApiKey(@Nullable String key) {
    this.apiKey = key;
    return this;
  }

  /**
   * Like vLLM's {@code --max-num-seqs}: at most {@code slots} requests generate at once, the others
   * wait for a slot, and {@code GET /metrics} counts them as waiting (on top of {@link #waiting}).
   */
  public FakeVllm maxRunning(int slots) {
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be >= 1 but was " + slots);
    }
    this.slots = new java.util.concurrent.Semaphore(slots, true);
    return this;
  }

  /** What {@code GET /metrics} reports as {@code vllm:num_requests_waiting}. */
  public FakeVllm waiting(int requests) {
    this.waiting = requests;
    return this;
  }

  /** Off: requests are not kept (long benchmark runs), so {@link #requests()} stays empty. */
  public FakeVllm recordRequests(boolean on) {
    this.recording = on;
    return this;
  }

  /**
   * {@code /v1/embeddings} takes this long instead of {@link #delay} (an embedding model is fast).
   */
  public FakeVllm embeddingDelay(Duration delay) {
    this.embeddingDelay = delay;
    return this;
  }

  /**
   * An input of more words than this makes the whole {@code /v1/embeddings} request a 400, as vLLM
   * answers an input longer than the model's context.
   */
  public FakeVllm embeddingMaxWords(int words) {
    this.embeddingMaxWords = words;
    return this;
  }

  /** The body of the last {@code POST /v1/embeddings} request, or null before the first. */
  public @Nullable JsonNode lastEmbeddingRequest() {
    return lastEmbeddingRequest;
  }

  /** {@code POST /v1/embeddings} requests received, answered or not. */
  public int embeddingRequests() {
    return embeddingRequests.get();
  }

  /** Texts in the well-formed {@code POST /v1/embeddings} requests received. */
  public int embeddingInputs() {
    return embeddingInputs.get();
  }

  public FakeVllm embeddingDimension(int dimension) {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be >= 1 but was " + dimension);
    }
    this.embeddingDimension = dimension;
    return this;
  }

  // ---- faults (chat completions only) ----

  /** The next chat request gets {@code status} with vLLM's error body. */
  public FakeVllm failNext(int status, String type, String message) {
    return next(new FakeVllmFault.Fail(status, type, message));
  }

  /** Every chat request (after queued faults) gets {@code status}, until {@link #clearFaults}. */
  public FakeVllm failAlways(int status, String type, String message) {
    this.alwaysFault = new FakeVllmFault.Fail(status, type, message);
    return this;
  }

  public FakeVllm clearFaults() {
    nextFaults.clear();
    modelFaults.clear();
    alwaysFault = null;
    return this;
  }

  /** The next chat request is accepted and never answered (no headers) until close. */
  public FakeVllm hangNext() {
    return next(new FakeVllmFault.Hang());
  }

  /** The next chat request gets 200 headers and a few body bytes, then nothing until close. */
  public FakeVllm hangAfterHeadersNext() {
    return next(new FakeVllmFault.HangAfterHeaders());
  }

  /** The next chat request's connection is closed without any response. */
  public FakeVllm resetNext() {
    return next(new FakeVllmFault.Reset());
  }

  /** The next chat request gets 200 with JSON (or a stream event) that does not parse. */
  public FakeVllm malformedNext() {
    return next(new FakeVllmFault.Malformed());
  }

  /** The next chat stream stops half-way, without finish_reason and [DONE]. */
  public FakeVllm truncateStreamNext() {
    return next(new FakeVllmFault.Truncate());
  }

  /** The next chat stream sends one token, then {@code data: {"error":...}} and [DONE]. */
  public FakeVllm errorMidStreamNext() {
    return next(new FakeVllmFault.ErrorMidStream());
  }

  private FakeVllm next(FakeVllmFault fault) {
    nextFaults.add(fault);
    return this;
  }

  // ---- adapters ----

  /** Loads {@code name} from {@code /adapters/<name>}, as a successful load request would. */
  public FakeVllm loadAdapter(String name) {
    adapters.put(name, "/adapters/" + name);
    return this;
  }

  public FakeVllm unloadAdapter(String name) {
    adapters.remove(name);
    return this;
  }

  /** Loaded adapter names, in load order. */
  public List<String> adapters() {
    synchronized (adapters) {
      return List.copyOf(adapters.keySet());
    }
  }

  // ---- what was received ----

  /** Bodies of all chat-completions requests so far, in arrival order (copies). */
  public List<JsonNode> requests() {
    return snapshot().stream().<JsonNode>map(r -> r.body().deepCopy()).toList();
  }

  /** The most recent chat-completions body; fails when there was none. */
  public JsonNode lastRequest() {
    List<Received> all = snapshot();
    if (all.isEmpty()) {
      throw new IllegalStateException("the fake vLLM has received no chat request");
    }
    return all.get(all.size() - 1).body().deepCopy();
  }

  /** Headers of the same requests, same order; names lower-case, first value only. */
  public List<Map<String, String>> requestHeaders() {
    return snapshot().stream().map(Received::headers).toList();
  }

  /** The unit vector {@code /v1/embeddings} returns for {@code text}: an oracle for tests. */
  public static float[] embeddingOf(String text, int dimension) {
    return FakeVllmEmbeddings.vector(text, dimension);
  }

  public int chatCount() {
    return received.size();
  }

  /** {@code GET /v1/models} requests answered so far. */
  public int modelsRequests() {
    return modelsRequests.get();
  }

  @Override
  public void close() {
    closing.countDown(); // releases hung handlers first, so stop() does not wait on them
    server.stop(0);
    executor.shutdownNow();
  }

  // ---- package-private, for FakeVllmChat ----

  String contentFor(String model, JsonNode request) {
    return reply.apply(model, request);
  }

  String structuredFor(JsonNode request) {
    return structured.apply(request);
  }

  boolean autoToolChoice() {
    return autoToolChoice;
  }

  Duration streamInterval() {
    return streamInterval;
  }

  double tokenLogprob(String model) {
    return modelLogprobs.getOrDefault(model, logprob);
  }

  FakeVllmFault.@Nullable Fail modelFault(String model) {
    return modelFaults.get(model);
  }

  long created() {
    return created;
  }

  boolean hasAdapter(String name) {
    return adapters.containsKey(name);
  }

  void record(JsonNode body, Map<String, String> headers) {
    if (recording) {
      received.add(new Received(body, headers));
    }
  }

  @Nullable FakeVllmFault takeFault() {
    FakeVllmFault next = nextFaults.poll();
    return next != null ? next : alwaysFault;
  }

  /** Blocks a hung handler until the fake closes (or a minute passes, as a safety net). */
  void holdUntilClosed() {
    try {
      closing.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the fake is shutting down; the handler just returns
    }
  }

  /** vLLM's error body: nested since 0.10.1, flat before. */
  ObjectNode errorBody(int status, String type, String message, @Nullable String param) {
    ObjectNode fields = FakeVllmHttp.JSON.createObjectNode();
    if (legacyErrors) {
      fields.put("object", "error");
    }
    fields.put("message", message).put("type", type).put("param", param).put("code", status);
    return legacyErrors ? fields : FakeVllmHttp.JSON.createObjectNode().set("error", fields);
  }

  void sendError(HttpExchange ex, int status, String type, String message, @Nullable String param)
      throws IOException {
    FakeVllmHttp.sendJson(ex, status, errorBody(status, type, message, param));
  }

  private List<Received> snapshot() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  // ---- routing and the small endpoints ----

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      Duration forEmbeddings = embeddingDelay;
      if (path.equals("/v1/embeddings") && forEmbeddings != null) {
        sleep(forEmbeddings);
      } else {
        pause();
      }
      String method = ex.getRequestMethod();
      if (path.equals("/health")) {
        FakeVllmHttp.send(ex, 200, null, new byte[0]);
      } else if (path.startsWith("/v1") && !authorized(ex)) {
        FakeVllmHttp.sendJson(
            ex, 401, FakeVllmHttp.JSON.createObjectNode().put("error", "Unauthorized"));
      } else {
        route(ex, method, path);
      }
    } catch (RuntimeException e) {
      // A bug in the fake: answer like vLLM's catch-all rather than leave the client hanging.
      sendError(ex, 500, "InternalServerError", "fake vLLM failed: " + e, null);
    }
  }

  private void route(HttpExchange ex, String method, String path) throws IOException {
    boolean post = method.equals("POST");
    switch (path) {
      case "/v1/models" -> onlyIf(ex, method.equals("GET"), () -> models(ex));
      case "/v1/chat/completions" -> onlyIf(ex, post, () -> chat.handle(ex));
      case "/v1/embeddings" -> onlyIf(ex, post, () -> embeddings(ex));
      case "/v1/load_lora_adapter" -> runtimeRoute(ex, post, () -> load(ex));
      case "/v1/unload_lora_adapter" -> runtimeRoute(ex, post, () -> unload(ex));
      case "/metrics" -> onlyIf(ex, method.equals("GET"), () -> metrics(ex));
      default -> FakeVllmHttp.sendDetail(ex, 404, "Not Found");
    }
  }

  private interface IoAction {
    void run() throws IOException;
  }

  /** Registered only with runtime LoRA updating on; otherwise FastAPI's 404 (1.5). */
  private void runtimeRoute(HttpExchange ex, boolean post, IoAction action) throws IOException {
    if (!runtimeLoraUpdating) {
      FakeVllmHttp.sendDetail(ex, 404, "Not Found");
    } else {
      onlyIf(ex, post, action);
    }
  }

  private static void onlyIf(HttpExchange ex, boolean allowed, IoAction action) throws IOException {
    if (allowed) {
      action.run();
    } else {
      FakeVllmHttp.sendDetail(ex, 405, "Method Not Allowed");
    }
  }

  /** The generation time; with batch slots, first the wait for one (counted as waiting). */
  private void pause() {
    java.util.concurrent.Semaphore batch = slots;
    if (batch == null) {
      sleep(delay);
      return;
    }
    queued.incrementAndGet();
    try {
      batch.acquireUninterruptibly();
    } finally {
      queued.decrementAndGet();
    }
    try {
      sleep(delay);
    } finally {
      batch.release();
    }
  }

  /** Sleeps, but wakes up when the fake closes. */
  void sleep(Duration d) {
    if (!d.isZero()) {
      try {
        closing.await(d.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private boolean authorized(HttpExchange ex) {
    String key = apiKey;
    return key == null
        || ("Bearer " + key).equals(ex.getRequestHeaders().getFirst("Authorization"));
  }

  /** Prometheus text like vLLM's: the queue gauges, one engine. */
  private void metrics(HttpExchange ex) throws IOException {
    String labels = "{engine=\"0\",model_name=\"" + baseModel + "\"}";
    FakeVllmHttp.sendText(
        ex,
        200,
        "# HELP vllm:num_requests_waiting Number of requests waiting to be processed.\n"
            + "# TYPE vllm:num_requests_waiting gauge\n"
            + "vllm:num_requests_running"
            + labels
            + " 0.0\n"
            + "vllm:num_requests_waiting"
            + labels
            + " "
            + (double) (waiting + queued.get())
            + "\n");
  }

  private void models(HttpExchange ex) throws IOException {
    modelsRequests.incrementAndGet();
    ObjectNode list = FakeVllmHttp.JSON.createObjectNode().put("object", "list");
    ArrayNode data = list.putArray("data");
    data.add(card(baseModel, baseModel, null, MAX_MODEL_LEN));
    synchronized (adapters) {
      adapters.forEach((name, path) -> data.add(card(name, path, baseModel, null)));
    }
    FakeVllmHttp.sendJson(ex, 200, list);
  }

  private ObjectNode card(String id, String root, @Nullable String parent, @Nullable Integer len) {
    ObjectNode card = FakeVllmHttp.JSON.createObjectNode();
    card.put("id", id).put("object", "model").put("created", created).put("owned_by", "vllm");
    card.put("root", root).put("parent", parent).put("max_model_len", len);
    card.putArray("permission")
        .addObject()
        .put("id", "modelperm-" + Integer.toHexString(id.hashCode()))
        .put("object", "model_permission")
        .put("created", created)
        .put("allow_create_engine", false)
        .put("allow_sampling", true)
        .put("allow_logprobs", true)
        .put("allow_search_indices", false)
        .put("allow_view", true)
        .put("allow_fine_tuning", false)
        .put("organization", "*")
        .putNull("group")
        .put("is_blocking", false);
    return card;
  }

  private void load(HttpExchange ex) throws IOException {
    loadRequests.incrementAndGet();
    JsonNode body = FakeVllmHttp.readJson(ex);
    if (body == null || !body.has("lora_name") || !body.has("lora_path")) {
      sendValidationError(ex, body == null ? "body" : "body.lora_name");
      return;
    }
    String name = body.path("lora_name").asText("");
    String path = body.path("lora_path").asText("");
    if (name.isEmpty() || path.isEmpty()) {
      sendError(
          ex, 400, "InvalidUserInput", "Both 'lora_name' and 'lora_path' must be provided.", null);
      return;
    }
    synchronized (adapters) {
      if (adapters.containsKey(name) && !body.path("load_inplace").asBoolean(false)) {
        sendError(ex, 400, "InvalidUserInput", alreadyLoaded(name), null);
        return;
      }
      String refused = engineRefusal(path);
      if (refused != null) {
        boolean missing = refused.startsWith("No adapter found");
        sendError(
            ex, missing ? 404 : 400, missing ? "NotFoundError" : "BadRequestError", refused, null);
        return;
      }
      adapters.put(name, path);
    }
    FakeVllmHttp.sendText(ex, 200, "Success: LoRA adapter '" + name + "' added successfully.");
  }

  /** What vLLM's engine says when it cannot load the adapter at {@code path}, or null. */
  private @Nullable String engineRefusal(String path) {
    java.nio.file.Path config = java.nio.file.Path.of(path).resolve("adapter_config.json");
    if (!java.nio.file.Files.isRegularFile(config)) {
      return requireAdapterFiles ? "No adapter found for " + path : null;
    }
    try {
      int rank = FakeVllmHttp.JSON.readTree(config.toFile()).path("r").asInt(0);
      return rank > maxLoraRank
          ? "LoRA rank " + rank + " is greater than max_lora_rank " + maxLoraRank + "."
          : null;
    } catch (IOException e) {
      return "Failed to load LoRA adapter from " + path + ": " + e.getMessage();
    }
  }

  private static String alreadyLoaded(String name) {
    return "The lora adapter '"
        + name
        + "' has already been loaded. If you want to load the adapter in place, set"
        + " 'load_inplace' to True.";
  }

  private void unload(HttpExchange ex) throws IOException {
    JsonNode body = FakeVllmHttp.readJson(ex);
    String name = body == null ? "" : body.path("lora_name").asText("");
    if (name.isEmpty()) {
      sendError(
          ex,
          400,
          "InvalidUserInput",
          "'lora_name' needs to be provided to unload a LoRA adapter.",
          null);
    } else if (adapters.remove(name) == null) {
      sendError(ex, 404, "NotFoundError", "The lora adapter '" + name + "' cannot be found.", null);
    } else {
      FakeVllmHttp.sendText(ex, 200, "Success: LoRA adapter '" + name + "' removed successfully.");
    }
  }

  /** Pydantic's 400 as recent vLLM formats it. */
  void sendValidationError(HttpExchange ex, String loc) throws IOException {
    String message =
        "1 validation error:\n  {'type': 'missing', 'loc': '"
            + loc
            + "', 'msg': 'Field required', 'input': '<dict>'}";
    sendError(ex, 400, "Bad Request", message, loc);
  }

  private void embeddings(HttpExchange ex) throws IOException {
    embeddingRequests.incrementAndGet();
    JsonNode body = FakeVllmHttp.readJson(ex);
    lastEmbeddingRequest = body;
    if (body == null || !(body.path("input").isTextual() || body.path("input").isArray())) {
      sendValidationError(ex, "body.input");
      return;
    }
    boolean base64 = body.path("encoding_format").asText("float").equals("base64");
    String model = body.path("model").asText("");
    if (!model.isEmpty() && !model.equals(EMBEDDING_MODEL) && !model.equals(baseModel)) {
      sendError(ex, 404, "NotFoundError", "The model `" + model + "` does not exist.", "model");
      return;
    }
    List<String> inputs = new ArrayList<>();
    if (body.path("input").isTextual()) {
      inputs.add(body.path("input").asText());
    } else {
      body.path("input").forEach(n -> inputs.add(n.asText()));
    }
    embeddingInputs.addAndGet(inputs.size());
    for (String input : inputs) {
      int words = FakeVllmChat.words(input);
      if (words > embeddingMaxWords) {
        sendError(
            ex,
            400,
            "BadRequestError",
            "This model's maximum context length is "
                + embeddingMaxWords
                + " tokens. However, you requested "
                + words
                + " tokens in the input for embedding generation. Please reduce the length of the"
                + " input.",
            null);
        return;
      }
    }
    FakeVllmHttp.sendJson(
        ex,
        200,
        FakeVllmEmbeddings.response(
            model.isEmpty() ? baseModel : model, inputs, embeddingDimension, created, base64));
  }

  private static String defaultReply(String model, JsonNode request) {
    return "[" + model + "] You asked: " + FakeVllmChat.lastUserMessage(request);
  }
}
