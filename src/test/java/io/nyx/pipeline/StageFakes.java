package io.nyx.pipeline;

import io.nyx.backend.BackendException;
import io.nyx.backend.ChatBackend;
import io.nyx.backend.ChatRequest;
import io.nyx.backend.ChatResult;
import io.nyx.backend.ModelInfo;
import io.nyx.backend.StreamDelta;
import io.nyx.backend.TokenLogprob;
import io.nyx.backend.Usage;
import io.nyx.learning.TraitEvidence;
import io.nyx.learning.TraitLearner;
import io.nyx.metrics.NyxMetrics;
import io.nyx.resilience.Backpressure;
import io.nyx.resilience.Breakers;
import io.nyx.resilience.RetryPolicy;
import io.nyx.specialist.ContextStrategy;
import io.nyx.specialist.Decoding;
import io.nyx.specialist.SpecialistConfig;
import io.nyx.specialist.Specialists;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/** In-memory collaborators for the pipeline's stage tests: no HTTP, no database. */
final class StageFakes {
  private StageFakes() {}

  static final String BASE = "base-model";

  /** Kairos (time), mnemosyne (memory), aletheia (facts), eleos (safety), moira (foresight). */
  static Specialists specialists(ChatBackend backend) {
    return new Specialists(
        List.of(
            specialist("kairos", ContextStrategy.TIME),
            specialist("mnemosyne", ContextStrategy.MEMORY),
            specialist("aletheia", ContextStrategy.FACTS),
            specialist("eleos", ContextStrategy.SAFETY),
            specialist("moira", ContextStrategy.FORESIGHT)),
        backend,
        url -> backend);
  }

  static SpecialistConfig specialist(String name, ContextStrategy context) {
    return new SpecialistConfig(
        name,
        name + " answers",
        name + "-adapter",
        context,
        "You are " + name + ".",
        List.of("a question for " + name),
        new Decoding(0.2, 0.9, 64),
        0.5,
        null);
  }

  /**
   * A model server in memory: each model answers "answer from MODEL" with every token at logprob
   * -0.1, unless told to fail; it records what it was asked.
   */
  static final class ScriptedBackend implements ChatBackend {
    final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    private final Map<String, BackendException> failures = new HashMap<>();

    ScriptedBackend fail(String model, BackendException e) {
      failures.put(model, e);
      return this;
    }

    @Override
    public ChatResult complete(ChatRequest request) throws BackendException {
      requests.add(request);
      BackendException e = failures.get(request.model());
      if (e != null) {
        throw e;
      }
      return new ChatResult(
          "c1",
          request.model(),
          "answer from " + request.model(),
          "stop",
          new Usage(10, 3),
          List.of(new TokenLogprob("a", -0.1), new TokenLogprob("b", -0.1)));
    }

    /** The same answer, streamed a word at a time. */
    @Override
    public ChatResult stream(ChatRequest request, Consumer<StreamDelta> sink)
        throws BackendException {
      ChatResult r = complete(request);
      for (String word : r.content().split("(?<= )")) {
        sink.accept(new StreamDelta(word, List.of()));
      }
      return r;
    }

    @Override
    public List<ModelInfo> models() {
      return List.of();
    }

    @Override
    public String baseUrl() {
      return "http://fake-vllm/v1";
    }
  }

  /** The evidence a stage handed to learning. */
  static final class RecordingLearner implements TraitLearner {
    final List<String> added = new ArrayList<>();

    @Override
    public void add(String trait, TraitEvidence evidence, String source) {
      added.add(trait + ":" + evidence.trials());
    }

    @Override
    public void addInCluster(String trait, int cluster, TraitEvidence evidence) {
      added.add(trait + "@" + cluster + ":" + evidence.trials());
    }

    @Override
    public void close() {}
  }

  /** A query log in memory; {@code down} makes every append fail like an unreachable database. */
  static final class MemoryLog implements QueryLog {
    final List<QueryRecord> rows = new CopyOnWriteArrayList<>();
    volatile boolean down;

    @Override
    public void append(QueryRecord record) {
      if (down) {
        throw new IllegalStateException("disk full");
      }
      rows.add(record);
    }

    @Override
    public Optional<QueryRecord> find(UUID id) {
      return rows.stream().filter(r -> r.id().equals(id)).findFirst();
    }
  }

  /** Counts what the stages report; everything else is dropped. */
  static final class CountingMetrics implements NyxMetrics {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void backendCall(String specialist, String outcome, double seconds) {
      events.add("call " + specialist + " " + outcome);
    }

    @Override
    public void tokens(String specialist, int promptTokens, int completionTokens) {}

    @Override
    public void routed(String method, String specialist) {
      events.add("routed " + method + " " + specialist);
    }

    @Override
    public void request(String route, int status, double seconds) {}

    @Override
    public void reward(String specialist, double reward) {
      events.add("reward " + specialist);
    }

    @Override
    public void traitWeight(String specialist, double weight) {}

    @Override
    public void retry(String specialist, String cause) {}

    @Override
    public void fallback(String specialist, String why) {
      events.add("fallback " + specialist + " " + why);
    }

    @Override
    public void contextFailed(String source) {
      events.add("context failed " + source);
    }

    @Override
    public void partitionCheck(boolean ok) {}

    @Override
    public void spool(String kind, IntSupplier pending) {}

    @Override
    public void deadLetters(String kind, LongSupplier total) {}

    @Override
    public void adapterTransition(String specialist, String to, String by) {}

    @Override
    public void adapterRepair(String specialist, String why) {}

    @Override
    public void adapterLineup(String specialist, int activeVersion, double canaryShare) {}

    @Override
    public String scrape() {
      return "";
    }
  }

  /** No retries, breakers that open after {@code failures}, no backpressure. */
  static Resilience resilience(int failures, LongSupplier nanoClock) {
    return new Resilience(
        new Breakers(failures, Duration.ofSeconds(30).toNanos(), nanoClock),
        new RetryPolicy(
            0, Duration.ofMillis(1), Duration.ofMillis(1), 0.1, new SplittableRandom(1)),
        d -> {},
        Backpressure.OFF);
  }
}
