package io.nyx.app;

import io.nyx.api.ApiServer;
import io.nyx.api.Readiness;
import io.nyx.backend.BackendSettings;
import io.nyx.backend.ChatBackend;
import io.nyx.backend.openai.OpenAiChatBackend;
import io.nyx.config.ContextStrategy;
import io.nyx.config.LlmConfig;
import io.nyx.config.NyxConfig;
import io.nyx.config.SpecialistConfig;
import io.nyx.context.ContextBuilder;
import io.nyx.context.FactsContext;
import io.nyx.context.MemoryContext;
import io.nyx.context.SafetyContext;
import io.nyx.context.TimeContext;
import io.nyx.learning.BatchingTraitLearner;
import io.nyx.learning.TraitLearner;
import io.nyx.learning.TraitStore;
import io.nyx.learning.TraitWeights;
import io.nyx.memory.CachingEmbedder;
import io.nyx.memory.Embedder;
import io.nyx.metrics.NyxMetrics;
import io.nyx.metrics.PrometheusMetrics;
import io.nyx.persistence.Database;
import io.nyx.persistence.JdbcFactStore;
import io.nyx.persistence.JdbcFeedbackStore;
import io.nyx.persistence.JdbcMemoryStore;
import io.nyx.persistence.JdbcQueryLog;
import io.nyx.persistence.JdbcTraitStore;
import io.nyx.pipeline.FeedbackService;
import io.nyx.pipeline.InferencePipeline;
import io.nyx.routing.SemanticRouter;
import io.nyx.specialist.Specialists;
import java.time.Duration;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * The one place where Nyx is wired: configuration in, a running server out. Owns and closes, in
 * reverse order, the HTTP server, the database (and the embedded PostgreSQL) and the embedder.
 */
public final class Nyx implements AutoCloseable {
  /** How often summed reward deltas are written to the shared trait weights. */
  static final Duration LEARN_INTERVAL = Duration.ofMillis(100);

  /** Recent query vectors kept, so routing and memory recall embed a query once. */
  static final int QUERY_CACHE = 1024;

  private final NyxConfig config;
  private final Database database;
  private final Embedder embedder;
  private final ApiServer server;
  private final Specialists specialists;
  private final TraitLearner learner;

  private Nyx(
      NyxConfig config,
      Database database,
      Embedder embedder,
      ApiServer server,
      Specialists specialists,
      TraitLearner learner) {
    this.learner = learner;
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
    Embedder embedder = null;
    try {
      embedder = new CachingEmbedder(Embedders.create(config.embedding()), QUERY_CACHE);
      return wire(config, db, embedder);
    } catch (RuntimeException e) {
      if (embedder != null) {
        embedder.close();
      }
      db.close();
      throw e;
    }
  }

  private static Nyx wire(NyxConfig config, Database db, Embedder embedder) {
    InstantSource clock = InstantSource.system();
    NyxMetrics metrics = new PrometheusMetrics();
    ChatBackend shared = backend(config.llm(), config.llm().baseUrl());
    Specialists specialists =
        new Specialists(config.specialists(), shared, url -> backend(config.llm(), url));
    TraitStore traits = new JdbcTraitStore(db.dataSource(), clock);
    traits.configure(config.traits().learning());
    for (SpecialistConfig s : config.specialists()) {
      traits.ensure(s.name(), s.initialWeight(), config.traits().min(), config.traits().max());
    }
    TraitWeights weights =
        new TraitWeights(
            traits,
            clock,
            Duration.ofSeconds(1),
            config.traits().explorer(),
            RandomGenerator.of("L64X128MixRandom"),
            config.traits().learning());
    TraitLearner learner =
        new BatchingTraitLearner(
            traits,
            w -> {
              weights.apply(w);
              metrics.traitWeight(w.name(), w.weight());
            },
            LEARN_INTERVAL,
            clock);
    traits.all().values().forEach(w -> metrics.traitWeight(w.name(), w.weight()));
    SemanticRouter router = new SemanticRouter(embedder, config.specialists(), config.routing());
    JdbcQueryLog log = new JdbcQueryLog(db.dataSource());
    InferencePipeline pipeline =
        new InferencePipeline(
            new InferencePipeline.Parts(
                router,
                specialists,
                contexts(config, db, embedder),
                learner,
                weights,
                config.traits(),
                log,
                metrics,
                config.llm().baseModel(),
                config.context().zone(),
                clock,
                System::nanoTime,
                UUID::randomUUID));
    FeedbackService feedback =
        new FeedbackService(
            log,
            new JdbcFeedbackStore(db.dataSource()),
            weights,
            config.traits(),
            metrics,
            clock,
            UUID::randomUUID);
    Readiness readiness = new DependencyChecks(db, specialists, config.llm().baseModel());
    ApiServer server =
        new ApiServer(
                config.server(),
                new ApiServer.Parts(
                    pipeline,
                    feedback,
                    router,
                    specialists,
                    traits,
                    weights,
                    readiness,
                    metrics,
                    clock))
            .start();
    return new Nyx(config, db, embedder, server, specialists, learner);
  }

  private static Map<ContextStrategy, ContextBuilder> contexts(
      NyxConfig config, Database db, Embedder embedder) {
    Map<ContextStrategy, ContextBuilder> m = new EnumMap<>(ContextStrategy.class);
    m.put(ContextStrategy.NONE, ContextBuilder.NONE);
    m.put(ContextStrategy.TIME, new TimeContext());
    m.put(ContextStrategy.SAFETY, new SafetyContext());
    m.put(
        ContextStrategy.FACTS,
        new FactsContext(new JdbcFactStore(db.dataSource()), config.context().factsTopK()));
    m.put(
        ContextStrategy.MEMORY,
        new MemoryContext(
            new JdbcMemoryStore(db.dataSource()), embedder, config.context().memoryTopK()));
    return m;
  }

  private static ChatBackend backend(LlmConfig llm, String url) {
    String key = llm.apiKey().isEmpty() ? null : llm.apiKey();
    return new OpenAiChatBackend(
        new BackendSettings(
            url,
            Duration.ofMillis(llm.connectTimeoutMs()),
            Duration.ofMillis(llm.readTimeoutMs()),
            key));
  }

  public int port() {
    return server.port();
  }

  public NyxConfig config() {
    return config;
  }

  public Database database() {
    return database;
  }

  public Specialists specialists() {
    return specialists;
  }

  @Override
  public void close() {
    server.close();
    learner.close();
    embedder.close();
    database.close();
  }
}
