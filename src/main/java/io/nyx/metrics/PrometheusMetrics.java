package io.nyx.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Micrometer's Prometheus registry. Names follow the plan: {@code vllm_latency_seconds} (histogram
 * per specialist and outcome) and {@code vllm_token_count} (counter per specialist and kind,
 * exposed as {@code vllm_token_count_total} by the Prometheus convention for counters). Histograms
 * have fixed bounds so the series count stays small, and the {@code tenant} label is capped at
 * {@link #TENANT_SERIES} values. Every name passes {@code promtool check metrics}: Micrometer's two
 * process meters that do not ({@code process_cpu_time_ns_total}, an abbreviated unit, and {@code
 * system_cpu_count}, a gauge with a {@code _count} suffix) are replaced by {@code
 * process_cpu_seconds_total} (the Prometheus clients' standard name) and {@code
 * system_cpu_processors}.
 */
public final class PrometheusMetrics implements NyxMetrics {
  /** Fixed buckets: LLM calls take from tens of milliseconds to minutes. */
  private static final Duration[] BACKEND_BUCKETS =
      millis(10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 120_000);

  private static final Duration[] REQUEST_BUCKETS =
      millis(1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 120_000);

  /**
   * Distinct tenants counted under their own name; later ones are counted as {@value #OTHER}.
   * Tenants come from API keys (the configured ones and those created with {@code nyx keys}), so
   * this is a guard against a key store that grows without bound, not a limit normally reached.
   */
  static final int TENANT_SERIES = 100;

  /** The {@code tenant} label of requests from tenants beyond the first {@link #TENANT_SERIES}. */
  static final String OTHER = "other";

  /** Micrometer's process CPU time: in nanoseconds, which Prometheus's lint rejects as a unit. */
  private static final String CPU_TIME_NS = "process.cpu.time";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, AtomicReference<Double>> weights = new ConcurrentHashMap<>();
  private final Set<String> tenants = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicReference<Double>> lineups = new ConcurrentHashMap<>();

  /**
   * With the process's own gauges: heap and non-heap memory, threads, CPU use and uptime (GC pauses
   * are left out: their binder holds JMX listeners that would outlive a registry).
   */
  public PrometheusMetrics() {
    registry.config().meterFilter(MeterFilter.denyNameStartsWith(CPU_TIME_NS));
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count")
                    ? id.withName("system.cpu.processors")
                    : id;
              }
            });
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      FunctionCounter.builder("process.cpu", os, b -> b.getProcessCpuTime() / 1e9)
          .description("CPU time used by the Java virtual machine process")
          .baseUnit("seconds")
          .register(registry);
    }
    for (String outcome : new String[] {"ok", "failed"}) {
      // At zero from the start: a first failure is then an increase Prometheus can see.
      Counter.builder(PARTITION_CHECKS)
          .description(PARTITION_CHECKS_HELP)
          .tags("outcome", outcome)
          .register(registry);
    }
  }

  @Override
  public void backendCall(String specialist, String outcome, double seconds) {
    Timer.builder("vllm.latency")
        .description("Latency of calls to the model server, per specialist and outcome")
        .tags("specialist", specialist, "outcome", outcome)
        .serviceLevelObjectives(BACKEND_BUCKETS)
        .register(registry)
        .record((long) (seconds * 1e9), TimeUnit.NANOSECONDS);
  }

  @Override
  public void tokens(String specialist, int promptTokens, int completionTokens) {
    tokenCounter(specialist, "prompt").increment(promptTokens);
    tokenCounter(specialist, "completion").increment(completionTokens);
  }

  private Counter tokenCounter(String specialist, String kind) {
    return Counter.builder("vllm.token.count")
        .description("Tokens reported by the model server, per specialist and kind")
        .tags("specialist", specialist, "kind", kind)
        .register(registry);
  }

  @Override
  public void routed(String method, String specialist) {
    count(
        "nyx.route.decisions",
        "Routing decisions by method and chosen specialist (base = abstained)",
        "method",
        method,
        "specialist",
        specialist);
  }

  /** Adds one to a counter; every meter carries a description (promtool requires it). */
  private void count(String name, String description, String... tags) {
    Counter.builder(name).description(description).tags(tags).register(registry).increment();
  }

  @Override
  public void request(String route, int status, double seconds) {
    Timer.builder("nyx.http.request")
        .description("Requests to Nyx's API by route and status")
        .tags("route", route, "status", Integer.toString(status))
        .serviceLevelObjectives(REQUEST_BUCKETS)
        .register(registry)
        .record((long) (seconds * 1e9), TimeUnit.NANOSECONDS);
  }

  @Override
  public void tenantRequest(String tenant, int status) {
    String label = tenants.contains(tenant) || admitTenant(tenant) ? tenant : OTHER;
    count(
        "nyx.tenant.requests",
        "Admitted requests per tenant (the first "
            + TENANT_SERIES
            + " tenants; the rest as other) and status class",
        "tenant",
        label,
        "status",
        (status / 100) + "xx");
  }

  /** Takes {@code tenant} into the labelled set while there is room. */
  private boolean admitTenant(String tenant) {
    synchronized (tenants) {
      if (tenants.size() >= TENANT_SERIES) {
        return false;
      }
      tenants.add(tenant);
      return true;
    }
  }

  @Override
  public void reward(String specialist, double reward) {
    DistributionSummary.builder("nyx.reward")
        .description("Reward given to answers, per specialist, in [-1,1]")
        .tags("specialist", specialist)
        .register(registry)
        .record(reward);
    // A summary's _sum goes down with every negative reward, which rate() reads as a counter
    // reset; this counter only grows, so mean reward = 2 * rate(success) / rate(count) - 1.
    Counter.builder("nyx.reward.success")
        .description("Sum of (reward + 1) / 2 over answers, per specialist (only grows)")
        .tags("specialist", specialist)
        .register(registry)
        .increment((Math.max(-1, Math.min(1, reward)) + 1) / 2);
  }

  @Override
  public void spool(String kind, java.util.function.IntSupplier pending) {
    io.micrometer.core.instrument.Gauge.builder("nyx.spool.pending", pending::getAsInt)
        .description("Writes on local disk waiting for the database")
        .tags("kind", kind)
        .register(registry);
  }

  @Override
  public void modelServerQueue(String server, java.util.function.IntSupplier waiting) {
    // The Supplier form holds the supplier strongly (a state object would be weakly held and
    // this lambda, referenced nowhere else, collected).
    java.util.function.Supplier<Number> value =
        () -> {
          int w = waiting.getAsInt();
          return w < 0 ? Double.NaN : w;
        };
    io.micrometer.core.instrument.Gauge.builder("nyx.model.server.waiting", value)
        .description(
            "Requests waiting at a model server (vLLM's num_requests_waiting as Nyx last read it,"
                + " plus its calls since); NaN while unknown")
        .tags("server", server)
        .register(registry);
  }

  @Override
  public void deadLetters(String kind, java.util.function.LongSupplier total) {
    io.micrometer.core.instrument.FunctionCounter.builder(
            "nyx.spool.dead.letters", total, t -> (double) t.getAsLong())
        .description("Writes the database refused for good, kept in the spool's dead-letter file")
        .tags("kind", kind)
        .register(registry);
  }

  @Override
  public void traitWeight(String specialist, double weight) {
    weights
        .computeIfAbsent(
            specialist,
            name -> {
              AtomicReference<Double> ref = new AtomicReference<>(weight);
              io.micrometer.core.instrument.Gauge.builder(
                      "nyx.trait.weight", ref, AtomicReference::get)
                  .description("Current trait weight per specialist")
                  .tags("specialist", name)
                  .register(registry);
              return ref;
            })
        .set(weight);
  }

  @Override
  public void retry(String specialist, String cause) {
    count(
        "nyx.backend.retries",
        "Model calls retried before their first byte, per specialist and cause",
        "specialist",
        specialist,
        "cause",
        cause);
  }

  @Override
  public void fallback(String specialist, String why) {
    count(
        "nyx.fallbacks",
        "Answers given by the base model instead of the specialist's adapter",
        "specialist",
        specialist,
        "why",
        why);
  }

  private static final String PARTITION_CHECKS = "nyx.partition.checks";
  private static final String PARTITION_CHECKS_HELP =
      "A running server's checks of next months' request-log partitions";

  @Override
  public void partitionCheck(boolean ok) {
    count(PARTITION_CHECKS, PARTITION_CHECKS_HELP, "outcome", ok ? "ok" : "failed");
  }

  @Override
  public void contextFailed(String source) {
    count(
        "nyx.context.failures",
        "Context sources that failed, so an answer was given without them",
        "source",
        source);
  }

  @Override
  public void adapterTransition(String specialist, String to, String by) {
    count(
        "nyx.adapter.transitions",
        "Adapter versions that changed state, per specialist, new state and who decided",
        "specialist",
        specialist,
        "to",
        to,
        "by",
        by);
  }

  @Override
  public void adapterRepair(String specialist, String why) {
    count(
        "nyx.adapter.repairs",
        "Active adapter versions self-repair took out of rotation, per specialist and cause",
        "specialist",
        specialist,
        "why",
        why);
  }

  @Override
  public void adapterLineup(String specialist, int activeVersion, double canaryShare) {
    gauge(
            lineups,
            "nyx.adapter.active.version",
            specialist,
            "Active adapter version per specialist (0: the base model answers)")
        .set((double) activeVersion);
    gauge(
            lineups,
            "nyx.adapter.canary.share",
            specialist,
            "Share of a specialist's requests its canary answers (0: no canary)")
        .set(canaryShare);
  }

  /** The value behind a per-specialist gauge, registered on first use. */
  private AtomicReference<Double> gauge(
      Map<String, AtomicReference<Double>> held, String name, String specialist, String help) {
    return held.computeIfAbsent(
        name + "/" + specialist,
        key -> {
          AtomicReference<Double> ref = new AtomicReference<>(0.0);
          io.micrometer.core.instrument.Gauge.builder(name, ref, AtomicReference::get)
              .description(help)
              .tags("specialist", specialist)
              .register(registry);
          return ref;
        });
  }

  private static Duration[] millis(long... values) {
    Duration[] d = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      d[i] = Duration.ofMillis(values[i]);
    }
    return d;
  }

  @Override
  public String scrape() {
    return registry.scrape();
  }
}
