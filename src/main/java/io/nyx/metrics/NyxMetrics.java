package io.nyx.metrics;

/**
 * What Nyx measures. Implementations are thread-safe and cheap on the request path; the no-op
 * default lets code record unconditionally (the JIT erases the calls).
 */
public interface NyxMetrics {

  /** One model call: {@code outcome} is "ok" or the failure kind; seconds of wall time. */
  void backendCall(String specialist, String outcome, double seconds);

  /** Tokens of one model call, as reported in {@code usage}. */
  void tokens(String specialist, int promptTokens, int completionTokens);

  /** One routing decision; {@code specialist} is "base" when routing abstained. */
  void routed(String method, String specialist);

  /** One HTTP request of Nyx's API, by route pattern and status. */
  void request(String route, int status, double seconds);

  /**
   * One admitted request of {@code tenant} (its API key's tenant; {@code local} on a loopback
   * server without keys), answered with {@code status}. The tenant label is bounded: tenants come
   * from API keys, and implementations count beyond a cap under one shared label.
   */
  default void tenantRequest(String tenant, int status) {}

  /** The reward given to an answer. */
  void reward(String specialist, double reward);

  /** The current trait weight, after any change. */
  void traitWeight(String specialist, double weight);

  /** A model call retried after {@code cause} (before any output arrived). */
  void retry(String specialist, String cause);

  /**
   * The base model answered instead of the specialist's adapter ({@code why}: not_loaded,
   * circuit_open, saturated).
   */
  void fallback(String specialist, String why);

  /**
   * A context source ({@code memory}, {@code facts}, …) failed and the answer was given without it.
   */
  void contextFailed(String source);

  /** A running server's check of next months' request-log partitions ({@code ok} or failed). */
  void partitionCheck(boolean ok);

  /**
   * Watches a spool: {@code pending} writes (of {@code kind}: rows, feedback, follow_ups) are on
   * local disk waiting for the database. Read at scrape time.
   */
  void spool(String kind, java.util.function.IntSupplier pending);

  /**
   * Watches a model server's queue: {@code waiting} requests wait at the server behind {@code
   * server} (its base URL), negative while unknown. Read at scrape time.
   */
  default void modelServerQueue(String server, java.util.function.IntSupplier waiting) {}

  /**
   * Watches a spool's dead letters: {@code total} writes (of {@code kind}) the database refused for
   * good since start, kept in the spool's dead-letter file instead. Only grows; read at scrape
   * time.
   */
  void deadLetters(String kind, java.util.function.LongSupplier total);

  /**
   * An adapter version changed state ({@code to}: canary, active, retired, failed), decided {@code
   * by} nyx or an operator; counted by the replica that changed it.
   */
  void adapterTransition(String specialist, String to, String by);

  /**
   * Self-repair took a specialist's active version out of rotation ({@code why}: reward_drop,
   * error_rate).
   */
  void adapterRepair(String specialist, String why);

  /**
   * A specialist's line-up as this replica routes it: the active version (0: none, the base model
   * answers) and the canary's share (0: no canary).
   */
  void adapterLineup(String specialist, int activeVersion, double canaryShare);

  /** Prometheus text exposition, or "" when metrics are off. */
  String scrape();

  NyxMetrics NOOP = new NoopMetrics();
}
