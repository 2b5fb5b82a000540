package io.nyx.app;

import io.nyx.adapter.AdapterLifecycle;
import io.nyx.adapter.AdapterRoutes;
import io.nyx.adapter.AdapterSupervisor;
import io.nyx.adapter.ModelServers;
import io.nyx.api.ApiServer;
import io.nyx.api.Readiness;
import io.nyx.backend.BackendSettings;
import io.nyx.backend.ChatBackend;
import io.nyx.backend.QueueCountingBackend;
import io.nyx.backend.openai.OpenAiChatBackend;
import io.nyx.backend.openai.VllmLoraAdmin;
import io.nyx.backend.openai.VllmQueues;
import io.nyx.config.ConfigException;
import io.nyx.config.EmbeddingConfig;
import io.nyx.config.LlmConfig;
import io.nyx.config.NyxConfig;
import io.nyx.config.RiskCategoriesYaml;
import io.nyx.context.ContextBuilder;
import io.nyx.context.FactsContext;
import io.nyx.context.GroundingCheck;
import io.nyx.context.MemoryBank;
import io.nyx.context.MemoryContext;
import io.nyx.context.SafetyContext;
import io.nyx.context.TimeContext;
import io.nyx.export.TrainingExport;
import io.nyx.fs.PrivateFiles;
import io.nyx.history.History;
import io.nyx.learning.BatchingTraitLearner;
import io.nyx.learning.EvidenceJournal;
import io.nyx.learning.TraitConfig;
import io.nyx.learning.TraitWeights;
import io.nyx.memory.CachingEmbedder;
import io.nyx.memory.Embedder;
import io.nyx.metrics.NyxMetrics;
import io.nyx.metrics.PrometheusMetrics;
import io.nyx.otel.OtelTracer;
import io.nyx.persistence.Database;
import io.nyx.persistence.durable.DurableFeedback;
import io.nyx.persistence.durable.DurableFollowUps;
import io.nyx.persistence.durable.DurableQueryLog;
import io.nyx.persistence.durable.DurableTraitStore;
import io.nyx.persistence.durable.FileEvidenceJournal;
import io.nyx.persistence.durable.SpoolState;
import io.nyx.persistence.jdbc.JdbcAdapterStore;
import io.nyx.persistence.jdbc.JdbcFactStore;
import io.nyx.persistence.jdbc.JdbcFeedbackStore;
import io.nyx.persistence.jdbc.JdbcLeadership;
import io.nyx.persistence.jdbc.JdbcLearnedExemplarStore;
import io.nyx.persistence.jdbc.JdbcPredictionStore;
import io.nyx.persistence.jdbc.JdbcQueryHistory;
import io.nyx.persistence.jdbc.JdbcQueryLog;
import io.nyx.persistence.jdbc.JdbcReviewQueue;
import io.nyx.persistence.jdbc.JdbcTrainingExport;
import io.nyx.persistence.jdbc.JdbcTraitStore;
import io.nyx.pipeline.FeedbackService;
import io.nyx.pipeline.InferencePipeline;
import io.nyx.pipeline.Powers;
import io.nyx.pipeline.PredictionService;
import io.nyx.pipeline.Resilience;
import io.nyx.pipeline.ReviewService;
import io.nyx.pipeline.RouteLessons;
import io.nyx.resilience.Backpressure;
import io.nyx.resilience.Breakers;
import io.nyx.resilience.RetryPolicy;
import io.nyx.resilience.Sleeper;
import io.nyx.routing.ExemplarLearning;
import io.nyx.routing.FileExemplarCache;
import io.nyx.routing.Master;
import io.nyx.routing.MasterModel;
import io.nyx.routing.PolicyRouter;
import io.nyx.routing.RoutingSettings;
import io.nyx.routing.SemanticRouter;
import io.nyx.safety.EmbeddingRiskScreen;
import io.nyx.security.Guard;
import io.nyx.specialist.ContextStrategy;
import io.nyx.specialist.SpecialistConfig;
import io.nyx.specialist.Specialists;
import io.nyx.tracing.Tracer;
import java.time.Duration;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The one place where Nyx is wired: configuration in, a running server out. Owns and closes, in
 * reverse order, the HTTP server, the database (and the embedded PostgreSQL) and the embedder.
 */
public final class Nyx implements AutoCloseable {
  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(Nyx.class.getName());

  /** How often summed reward deltas are written to the shared trait weights. */
  static final Duration LEARN_INTERVAL = Duration.ofMillis(100);

  /** Longest wait between two attempts of one model call. */
  static final Duration RETRY_CAP = Duration.ofSeconds(2);

  /** How often each model server's queue depth is read from its /metrics. */
  static final Duration QUEUE_POLL = Duration.ofMillis(500);

  /** How often rows spooled while the database was down are retried. */
  static final Duration SPOOL_RETRY = Duration.ofSeconds(1);

  /** How long one {@code /ready} answer is reused: its probes run at most about once a second. */
  static final Duration READY_CACHE = Duration.ofSeconds(1);

  /** How long {@code /ready} waits for PostgreSQL and each model server before calling it down. */
  static final Duration READY_PROBE_LIMIT = Duration.ofSeconds(2);

  /** How often a running server checks that next months' request-log partitions exist. */
  static final Duration PARTITION_UPKEEP = Duration.ofHours(24);

  /** How often a replica checks for learned exemplars another one added or removed. */
  static final Duration LEARNED_REFRESH = Duration.ofSeconds(10);

  /** Recent query vectors kept, so routing and memory recall embed a query once. */
  static final int QUERY_CACHE = 1024;

  private final NyxConfig config;
  private final Database database;
  private final Embedder embedder;
  private final ApiServer server;
  private final Specialists specialists;
  private final BatchingTraitLearner learner;

  /** What runs on its own beside the requests: queue polling, partition upkeep. */
  private final Background background;

  private record Background(
      VllmQueues queues,
      PartitionUpkeep partitions,
      AdapterSupervisor adapters,
      LearnedRefresh learned,
      AutoCloseable riskScreenEmbedder)
      implements AutoCloseable {
    @Override
    public void close() {
      Shutdown.run(
          adapters::close,
          learned::close,
          partitions::close,
          queues::close,
          riskScreenEmbedder::close);
    }
  }

  private final Guard guard;
  private final Durable durable;
  private final Memories memories;

  /** Where the spans go; closed last, so the spans of the last requests are exported. */
  private final Tracer tracer;

  /** The write paths that fall back to a local spool, closed rows first. */
  private record Durable(
      DurableQueryLog rows,
      DurableFeedback feedback,
      DurableFollowUps followUps,
      DurableTraitStore traits)
      implements AutoCloseable {
    /** Each spool's state by the kind the metrics name it with. */
    Map<String, Supplier<SpoolState>> states() {
      Map<String, Supplier<SpoolState>> m = new java.util.LinkedHashMap<>();
      m.put("rows", rows::spoolState);
      m.put("feedback", feedback::spoolState);
      m.put("follow_ups", followUps::spoolState);
      m.put("traits", traits::spoolState);
      return m;
    }

    @Override
    public void close() {
      // feedback after the rows: spooled feedback may rate a spooled row
      Shutdown.run(rows::close, feedback::close, followUps::close, traits::close);
    }
  }

  private Nyx(
      NyxConfig config,
      Database database,
      Embedder embedder,
      ApiServer server,
      Specialists specialists,
      BatchingTraitLearner learner,
      Guard guard,
      Durable durable,
      Memories memories,
      Background background,
      Tracer tracer) {
    this.tracer = tracer;
    this.background = background;
    this.durable = durable;
    this.learner = learner;
    this.guard = guard;
    this.memories = memories;
    this.config = config;
    this.database = database;
    this.embedder = embedder;
    this.server = server;
    this.specialists = specialists;
  }

  /** Opens the database, loads the embedder, starts listening. Fails fast on a bad database. */
  public static Nyx start(NyxConfig config) {
    return start(config, Databases.open(config));
  }

  /** Starts on an already open database, which Nyx then owns and closes. */
  public static Nyx start(NyxConfig config, Database db) {
    return start(config, db, OtelTracer.of(config.tracing()));
  }

  /**
   * Starts on an already open database with {@code tracer} instead of the one {@code tracing:} asks
   * for (tests pass one over an in-memory exporter); Nyx owns and closes both.
   */
  public static Nyx start(NyxConfig config, Database db, Tracer tracer) {
    Embedder embedder = null;
    Memories memories = null;
    java.util.Deque<AutoCloseable> opened = new java.util.ArrayDeque<>();
    opened.push(tracer);
    try {
      privateDataDir(config.dataDir());
      embedder = new CachingEmbedder(Embedders.create(config.embedding()), QUERY_CACHE);
      memories =
          Memories.start(
              config.context().memory(),
              config.dataDir(),
              db.dataSource(),
              embedder,
              InstantSource.system());
      return wire(config, db, embedder, memories, opened, tracer);
    } catch (RuntimeException e) {
      // What wire started (spools, the learner and its journal lock, queue pollers) stops too, so
      // a failed start leaves nothing running and the data dir free for the next attempt.
      while (!opened.isEmpty()) {
        try {
          opened.pop().close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (memories != null) {
        memories.close();
      }
      if (embedder != null) {
        embedder.close();
      }
      db.close();
      throw e;
    }
  }

  /**
   * Mode 700, also for a data dir an older Nyx left readable by every local user: spools, journal
   * and caches below hold queries, prompts and answers.
   */
  private static void privateDataDir(java.nio.file.Path dir) {
    try {
      PrivateFiles.directory(dir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(
          "cannot make the data dir " + dir + " private (mode 700): " + e.getMessage(), e);
    }
  }

  /**
   * The evidence journal in {@code dir}, numbered above the wall clock; in memory when another Nyx
   * on the same data dir holds it (that one then may lose up to one flush interval in a crash).
   */
  private static EvidenceJournal journal(java.nio.file.Path dir, InstantSource clock) {
    return FileEvidenceJournal.openIfFree(dir, clock.instant().toEpochMilli() * 1_000)
        .<EvidenceJournal>map(j -> j)
        .orElseGet(
            () -> {
              LOG.warning(
                  dir + " is held by another Nyx on this data dir; evidence waits in memory here");
              return EvidenceJournal.inMemory();
            });
  }

  /** Builds and starts everything; each part that runs on its own is pushed onto {@code opened}. */
  private static Nyx wire(
      NyxConfig config,
      Database db,
      Embedder embedder,
      Memories memories,
      java.util.Deque<AutoCloseable> opened,
      Tracer tracer) {
    InstantSource clock = InstantSource.system();
    Guard guard = Admission.guard(config, db, clock);
    NyxMetrics metrics = new PrometheusMetrics();
    VllmQueues queues = new VllmQueues(QUEUE_POLL);
    opened.push(queues);
    Backpressure backpressure = new Backpressure(config.llm().maxWaiting(), queues);
    Specialists specialists = specialists(config, backpressure, tracer);
    watchQueues(config, queues, metrics);
    DurableTraitStore traits =
        new DurableTraitStore(
            new JdbcTraitStore(db.dataSource(), clock),
            db.dataSource(),
            config.dataDir().resolve("spool"),
            UUID::randomUUID,
            SPOOL_RETRY,
            clock);
    opened.push(traits);
    traits.configure(config.traits().learning());
    for (SpecialistConfig s : config.specialists()) {
      traits.ensure(s.name(), s.initialWeight(), config.traits().min(), config.traits().max());
    }
    TraitWeights weights =
        new TraitWeights(
            traits,
            traits,
            clock,
            Duration.ofSeconds(1),
            config.traits().explorer(),
            RandomGenerator.of("L64X128MixRandom"),
            config.traits().learning());
    BatchingTraitLearner learner =
        new BatchingTraitLearner(
            traits,
            journal(config.dataDir().resolve("journal"), clock),
            w -> {
              weights.apply(w);
              metrics.traitWeight(w.name(), w.weight());
            },
            LEARN_INTERVAL,
            clock);
    opened.push(learner);
    traits.all().values().forEach(w -> metrics.traitWeight(w.name(), w.weight()));
    PartitionUpkeep partitions =
        PartitionUpkeep.start(db::ensurePartitions, PARTITION_UPKEEP, metrics::partitionCheck);
    opened.push(partitions);
    PolicyRouter router = router(config, embedder, backpressure, tracer);
    AdapterRoutes routes = new AdapterRoutes(() -> ThreadLocalRandom.current().nextDouble());
    // One export for GET /export and self-repair's retraining data: the same filters, scrubbing,
    // duplicates and manifest (docs/training.md).
    TrainingExport trainingExport =
        new JdbcTrainingExport(
            db.dataSource(),
            config.export(),
            embedder,
            config.llm().baseModel().isBlank() ? null : config.llm().baseModel().strip());
    AdapterLifecycle adapters =
        adapters(config, db, specialists, routes, metrics, trainingExport, clock);
    AdapterSupervisor supervisor =
        AdapterSupervisor.start(
            adapters, new JdbcLeadership(db.dataSource()), config.adapters(), System::nanoTime);
    opened.push(supervisor);
    ExemplarLearning exemplars =
        new ExemplarLearning(
            router.semantic(),
            new JdbcLearnedExemplarStore(db.dataSource()),
            ExemplarLearning.Settings.DEFAULT);
    exemplars.refreshIfChanged();
    LearnedRefresh learnedRefresh = LearnedRefresh.start(exemplars, LEARNED_REFRESH);
    opened.push(learnedRefresh);
    DurableQueryLog log =
        new DurableQueryLog(
            new JdbcQueryLog(db.dataSource()),
            config.dataDir().resolve("spool"),
            SPOOL_RETRY,
            clock);
    opened.push(log);
    JdbcReviewQueue reviews = new JdbcReviewQueue(db.dataSource());
    JdbcPredictionStore predictions = new JdbcPredictionStore(db.dataSource());
    DurableFollowUps followUps =
        new DurableFollowUps(
            reviews,
            predictions,
            config.dataDir().resolve("spool"),
            log::pending,
            SPOOL_RETRY,
            clock);
    opened.push(followUps);
    Embedder screenEmbedder = embedder;
    AutoCloseable ownScreen = () -> {};
    java.util.Optional<Embedder> screenModel = Embedders.forRiskScreen(config.embedding());
    if (screenModel.isPresent()) {
      // Query and answer are each screened once: a small cache suffices.
      screenEmbedder = new CachingEmbedder(screenModel.get(), 16);
      ownScreen = screenEmbedder::close;
      opened.push(ownScreen);
    }
    Powers powers =
        new Powers(
            new EmbeddingRiskScreen(
                screenEmbedder,
                RiskCategoriesYaml.load(config.context().safetyCategories()),
                config.context().riskThreshold()),
            followUps.reviews(),
            followUps.predictions(),
            config.context().maxPromptTokens());
    InferencePipeline pipeline =
        new InferencePipeline(
            new InferencePipeline.Parts(
                router,
                router.semantic().clusters(config.traits().clusters(), TraitConfig.CLUSTER_SEED),
                specialists,
                Traced.contexts(contexts(config, db, memories.bank()), tracer),
                learner,
                weights,
                config.traits(),
                Traced.log(log, tracer),
                metrics,
                config.llm().baseModel(),
                config.context().zone(),
                clock,
                System::nanoTime,
                UUID::randomUUID,
                powers,
                resilience(config.llm(), backpressure),
                config.rewardFunctions(),
                routes,
                tracer));
    FeedbackService feedback =
        new FeedbackService(
            log,
            new JdbcFeedbackStore(db.dataSource()),
            weights,
            config.traits(),
            metrics,
            clock,
            UUID::randomUUID,
            config.rewardFunctions());
    Durable durable =
        new Durable(
            log,
            new DurableFeedback(
                feedback, config.dataDir().resolve("spool"), log::pending, SPOOL_RETRY, clock),
            followUps,
            traits);
    opened.push(durable.feedback());
    metrics.spool("traits", () -> traits.pending() + learner.queued());
    metrics.spool("rows", durable.rows()::pending);
    metrics.spool("feedback", durable.feedback()::pending);
    metrics.spool("follow_ups", followUps::pending);
    Map<String, Supplier<SpoolState>> spools = durable.states();
    spools.forEach((kind, state) -> metrics.deadLetters(kind, () -> state.get().deadLettered()));
    Readiness readiness =
        new CachedReadiness(
            new DependencyChecks(
                db,
                specialists,
                s -> adapters.serving(s.name(), s.adapter()),
                config.llm().baseModel(),
                memories,
                new SpoolCheck(spools, SpoolCheck.STUCK_AFTER, System::nanoTime),
                READY_PROBE_LIMIT,
                System::nanoTime),
            READY_CACHE,
            System::nanoTime);
    JdbcQueryHistory queries = new JdbcQueryHistory(db.dataSource());
    ApiServer server =
        new ApiServer(
                config.server(),
                new ApiServer.Parts(
                    pipeline,
                    durable.feedback(),
                    router,
                    specialists,
                    traits,
                    traits,
                    weights,
                    readiness,
                    guard,
                    metrics,
                    clock,
                    new ReviewService(reviews, feedback, clock),
                    new PredictionService(predictions, feedback, clock),
                    memories.bank(),
                    trainingExport,
                    adapters,
                    queries,
                    new History(queries, predictions),
                    tracer,
                    new RouteLessons(log, exemplars)))
            .start();
    return new Nyx(
        config,
        db,
        embedder,
        server,
        specialists,
        learner,
        guard,
        durable,
        memories,
        new Background(queues, partitions, supervisor, learnedRefresh, ownScreen),
        tracer);
  }

  /**
   * The adapter registry over the database, vLLM's runtime LoRA API on each specialist's server,
   * and the routing table it keeps; the configured adapters are registered as version 1 on first
   * start, and the table is read once before the first request.
   */
  private static AdapterLifecycle adapters(
      NyxConfig config,
      Database db,
      Specialists specialists,
      AdapterRoutes routes,
      NyxMetrics metrics,
      TrainingExport trainingExport,
      InstantSource clock) {
    LlmConfig llm = config.llm();
    ModelServers servers =
        new ModelServers(
            specialists,
            url ->
                new VllmLoraAdmin(
                    new BackendSettings(
                        url,
                        Duration.ofMillis(llm.connectTimeoutMs()),
                        Duration.ofMillis(llm.readTimeoutMs()),
                        llm.apiKey().isEmpty() ? null : llm.apiKey())));
    AdapterLifecycle lifecycle =
        new AdapterLifecycle(
            new JdbcAdapterStore(db.dataSource()),
            servers,
            routes,
            config.adapters(),
            new RetrainingExport(
                trainingExport,
                config.dataDir().resolve("retrain"),
                clock,
                task -> Thread.ofVirtual().name("nyx-retraining-export").start(task)),
            metrics,
            clock);
    lifecycle.seed(config.specialists());
    lifecycle.refresh();
    return lifecycle;
  }

  private static Map<ContextStrategy, ContextBuilder> contexts(
      NyxConfig config, Database db, MemoryBank memory) {
    Map<ContextStrategy, ContextBuilder> m = new EnumMap<>(ContextStrategy.class);
    m.put(ContextStrategy.NONE, ContextBuilder.NONE);
    m.put(ContextStrategy.TIME, new TimeContext());
    m.put(ContextStrategy.SAFETY, new SafetyContext());
    m.put(
        ContextStrategy.FACTS,
        new FactsContext(
            new JdbcFactStore(db.dataSource()),
            config.context().factsTopK(),
            new GroundingCheck(config.context().memory().groundingThreshold())));
    m.put(ContextStrategy.MEMORY, new MemoryContext(memory, config.context().memoryTopK()));
    return m;
  }

  /** The route policy over the semantic router (exemplars cached in data_dir/cache). */
  public static PolicyRouter router(NyxConfig config, Embedder embedder) {
    return router(config, embedder, Backpressure.OFF);
  }

  /**
   * The specialists with their model clients: the shared server's, and one per {@code backend_url}
   * of their own, every one counted for the estimate of its server's queue.
   */
  static Specialists specialists(NyxConfig config, Backpressure backpressure) {
    return specialists(config, backpressure, Tracer.OFF);
  }

  /** The same, each model call a span of {@code tracer}'s trace that vLLM continues. */
  /** Each model server's queue as a gauge: the shared one and each specialist's own. */
  private static void watchQueues(NyxConfig config, VllmQueues queues, NyxMetrics metrics) {
    java.util.Set<String> servers = new java.util.LinkedHashSet<>();
    servers.add(config.llm().baseUrl());
    for (var s : config.specialists()) {
      String url = s.backendUrl();
      if (url != null && !url.isBlank()) {
        servers.add(url);
      }
    }
    servers.forEach(url -> metrics.modelServerQueue(url, () -> queues.waiting(url)));
  }

  static Specialists specialists(NyxConfig config, Backpressure backpressure, Tracer tracer) {
    ChatBackend shared = backend(config.llm(), config.llm().baseUrl(), backpressure, tracer);
    return new Specialists(
        config.specialists(), shared, url -> backend(config.llm(), url, backpressure, tracer));
  }

  /** The router whose master model is not asked while its server's queue is over the limit. */
  static PolicyRouter router(NyxConfig config, Embedder embedder, Backpressure backpressure) {
    return router(config, embedder, backpressure, Tracer.OFF);
  }

  /** The same, the master's question and its model call spans of {@code tracer}'s trace. */
  static PolicyRouter router(
      NyxConfig config, Embedder embedder, Backpressure backpressure, Tracer tracer) {
    RoutingSettings r = config.routing();
    SemanticRouter semantic =
        new SemanticRouter(
            embedder,
            ranker(config, embedder),
            config.specialists(),
            r,
            new FileExemplarCache(config.dataDir().resolve("cache")));
    LlmConfig llm = config.llm();
    String url = r.master().url().isEmpty() ? llm.baseUrl() : r.master().url();
    String model = r.master().model().isEmpty() ? llm.baseModel() : r.master().model();
    ChatBackend backend =
        backend(llm, url, Duration.ofMillis(r.master().timeoutMs()), backpressure, tracer);
    Master master =
        Traced.master(
            Master.unlessSaturated(
                new MasterModel(backend, model, config.specialists()),
                () -> backpressure.overLimit(backend.baseUrl()) >= 0),
            tracer);
    return ConfigException.under("routing.", () -> new PolicyRouter(semantic, master, r));
  }

  /**
   * The ranking model for a router over {@code embedder}: the configured one when {@code embedder}
   * is the configured model (a test's own embedder gets none).
   */
  public static @Nullable Embedder ranker(NyxConfig config, Embedder embedder) {
    EmbeddingConfig e = config.embedding();
    if (!e.model().equals(embedder.modelId())) {
      return null;
    }
    // Cached as the embedder is: a conversation's earlier turns are routed again on each message.
    return Embedders.ranker(e).map(r -> new CachingEmbedder(r, QUERY_CACHE)).orElse(null);
  }

  private static Resilience resilience(LlmConfig llm, Backpressure backpressure) {
    return new Resilience(
        new Breakers(
            llm.breakerFailures(),
            Duration.ofMillis(llm.breakerOpenMs()).toNanos(),
            System::nanoTime),
        new RetryPolicy(
            llm.maxRetries(),
            Duration.ofMillis(llm.retryBaseMs()),
            RETRY_CAP,
            llm.retryBudget(),
            new SplittableRandom()),
        Sleeper.REAL,
        backpressure);
  }

  /** A model server's client with the configured read timeout. */
  private static ChatBackend backend(
      LlmConfig llm, String url, Backpressure backpressure, Tracer tracer) {
    return backend(llm, url, Duration.ofMillis(llm.readTimeoutMs()), backpressure, tracer);
  }

  /**
   * A model server's client, its calls counted for the estimate of that server's queue, each one a
   * client span whose context the request carries to the server ({@code traceparent}).
   */
  private static ChatBackend backend(
      LlmConfig llm, String url, Duration readTimeout, Backpressure backpressure, Tracer tracer) {
    String key = llm.apiKey().isEmpty() ? null : llm.apiKey();
    BackendSettings settings =
        ConfigException.under(
            "llm.",
            () ->
                new BackendSettings(
                    url, Duration.ofMillis(llm.connectTimeoutMs()), readTimeout, key));
    return Traced.backend(
        new QueueCountingBackend(new OpenAiChatBackend(settings, tracer), backpressure), tracer);
  }

  public int port() {
    return server.port();
  }

  /** False only on a loopback listener while no API key exists: then Nyx asks for no key. */
  public boolean keysRequired() {
    return guard.keysRequired();
  }

  /** Rows acknowledged but still in the local spool (the database was unreachable). */
  public int spooledRows() {
    return durable.rows().pending();
  }

  /** Feedback acknowledged as queued but not yet applied (the database was unreachable). */
  public int spooledFeedback() {
    return durable.feedback().pending();
  }

  /**
   * Trait evidence waiting on local disk for the database: batches in the learner's journal plus
   * operator and feedback updates in the spool.
   */
  public int spooledEvidence() {
    return durable.traits().pending() + learner.queued();
  }

  /** Review items and predictions waiting in the spool (the database was unreachable). */
  public int spooledFollowUps() {
    return durable.followUps().pending();
  }

  public NyxConfig config() {
    return config;
  }

  /** Mnemosyne's memory bank, for tests and tools in the same process. */
  public MemoryBank memory() {
    return memories.bank();
  }

  public Database database() {
    return database;
  }

  public Specialists specialists() {
    return specialists;
  }

  /**
   * Drains the requests in flight (up to {@code server.shutdown_grace_ms}), then stops the server,
   * the background work, learning, the spools, the memory index, the embedder, the database and the
   * tracer (exporting its last spans), in that order and every one of them even when an earlier one
   * fails.
   */
  @Override
  public void close() {
    Shutdown.run(
        () -> guard.drain(Duration.ofMillis(config.server().shutdownGraceMs())),
        server::close,
        background::close,
        learner::close,
        durable::close,
        memories::close,
        embedder::close,
        database::close,
        tracer::close);
  }
}
