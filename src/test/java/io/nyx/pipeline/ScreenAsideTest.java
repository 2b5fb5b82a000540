package io.nyx.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.adapter.AdapterRouting;
import io.nyx.backend.BackendException;
import io.nyx.backend.ChatRequest;
import io.nyx.foresight.PredictionStore;
import io.nyx.learning.MemoryTraitStore;
import io.nyx.learning.Rewards;
import io.nyx.learning.TraitConfig;
import io.nyx.learning.TraitWeights;
import io.nyx.routing.QueryClusters;
import io.nyx.routing.RouteDecision;
import io.nyx.routing.Router;
import io.nyx.safety.ReviewQueue;
import io.nyx.safety.RiskAssessment;
import io.nyx.safety.RiskScreen;
import io.nyx.testing.Waits;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A named specialist's question screened beside the model call gives what screening it first gives:
 * the same answer, row, evidence and review items, for flagged and unflagged questions, for answers
 * and failures. The reference is the same pipeline with every question screened first.
 */
class ScreenAsideTest {
  static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

  /** Flags any text that mentions hurting oneself; "fail" makes the screen throw. */
  static final RiskScreen SCREEN =
      text -> {
        if (text.contains("screen down")) {
          throw new IllegalStateException("embedder down");
        }
        boolean risky = text.contains("hurt myself");
        return new RiskAssessment(
            risky ? 0.9 : 0.1,
            "self_harm",
            Map.of("self_harm", risky ? 0.9 : 0.1),
            risky,
            risky ? List.of("self_harm keyword \"hurt myself\"") : List.of());
      };

  /** One pipeline and what it touched. */
  static final class Rig {
    final StageFakes.ScriptedBackend backend = new StageFakes.ScriptedBackend();
    final StageFakes.MemoryLog log = new StageFakes.MemoryLog();
    final StageFakes.RecordingLearner learner = new StageFakes.RecordingLearner();
    final List<String> reviews = new java.util.concurrent.CopyOnWriteArrayList<>();
    final InferencePipeline pipeline;

    Rig(boolean screenAside) {
      this(screenAside, SCREEN);
    }

    Rig(boolean screenAside, RiskScreen riskScreen) {
      InstantSource clock = InstantSource.fixed(NOW);
      MemoryTraitStore store = new MemoryTraitStore(clock);
      TraitWeights weights = new TraitWeights(store, store, clock, Duration.ZERO);
      var specialists = StageFakes.specialists(backend);
      AtomicLong ids = new AtomicLong();
      ReviewQueue queue =
          new ReviewQueue() {
            @Override
            public long enqueue(
                UUID queryId, String tenant, String stage, RiskAssessment assessment, Instant at) {
              reviews.add(queryId + " " + stage + " " + assessment.flagged());
              return reviews.size();
            }

            @Override
            public List<io.nyx.safety.ReviewItem> pending(int limit) {
              return List.of();
            }

            @Override
            public java.util.Optional<io.nyx.safety.ReviewItem> decide(
                long id, String verdict, double rating, String note, Instant at) {
              return java.util.Optional.empty();
            }

            @Override
            public void reopen(long id) {}
          };
      Router router =
          new Router() {
            @Override
            public RouteDecision route(String query, Map<String, Double> traitWeights) {
              return new RouteDecision.Chosen("moira", 0.8, 0.3, Map.of("moira", 0.8));
            }

            @Override
            public List<String> admissible(String query, double margin) {
              return List.of("moira");
            }
          };
      pipeline =
          new InferencePipeline(
              new InferencePipeline.Parts(
                  router,
                  QueryClusters.NONE,
                  specialists,
                  Map.of(),
                  learner,
                  weights,
                  TraitConfig.DEFAULT,
                  log,
                  new StageFakes.CountingMetrics(),
                  StageFakes.BASE,
                  ZoneOffset.UTC,
                  clock,
                  () -> 0L,
                  () -> new UUID(0, ids.incrementAndGet()),
                  new Powers(riskScreen, queue, PredictionStore.NONE, 8192),
                  StageFakes.resilience(100, () -> 0L),
                  Rewards.DEFAULT,
                  AdapterRouting.CONFIGURED,
                  io.nyx.tracing.Tracer.OFF),
              screenAside);
    }

    InferenceResult ask(String query, String specialist) {
      return pipeline.infer(
          InferenceRequest.ofQuery(query, null, specialist, OptionalInt.empty()),
          InferenceListener.NONE);
    }

    /** A streamed request; {@code heard} gets what its client hears, in order. */
    InferenceResult stream(String query, String specialist, List<String> heard) {
      InferenceRequest req =
          new InferenceRequest(
              query,
              List.of(io.nyx.backend.ChatMessage.user(query)),
              "",
              null,
              specialist,
              OptionalInt.empty(),
              java.util.OptionalDouble.empty(),
              java.util.OptionalDouble.empty(),
              true);
      return pipeline.infer(
          req,
          new InferenceListener() {
            @Override
            public void routed(UUID queryId, RouteDecision decision, String answerer) {
              heard.add("routed " + queryId + " " + decision + " " + answerer);
            }

            @Override
            public void delta(io.nyx.backend.StreamDelta delta) {
              heard.add(delta.content());
            }
          });
    }

    ChatRequest lastCall() {
      return backend.requests.getLast();
    }
  }

  @Test
  void answersRowsEvidenceAndReviewsAreThoseOfScreeningFirst() {
    for (String query :
        List.of(
            "what is on my calendar next Tuesday?",
            "I want to hurt myself tonight",
            "screen down: the embedder fails")) {
      for (String named : List.of("kairos", "moira", "eleos")) {
        Rig fast = new Rig(true);
        Rig reference = new Rig(false);
        InferenceResult a = fast.ask(query, named);
        InferenceResult b = reference.ask(query, named);
        assertThat(a).as(query + " / " + named).isEqualTo(b);
        assertThat(fast.log.rows).as("rows").isEqualTo(reference.log.rows);
        assertThat(fast.learner.added).as("evidence").isEqualTo(reference.learner.added);
        assertThat(fast.reviews).as("reviews").isEqualTo(reference.reviews);
        assertThat(fast.lastCall()).as("the answering call").isEqualTo(reference.lastCall());
      }
    }
  }

  @Test
  void aFlaggedQuestionIsAnsweredByTheSafetySpecialistWithCareGuidance() {
    Rig fast = new Rig(true);
    InferenceResult r = fast.ask("I want to hurt myself tonight", "kairos");
    assertThat(r.specialist()).isEqualTo("eleos");
    assertThat(fast.log.rows).hasSize(1);
    assertThat(fast.log.rows.getFirst().routeMethod()).isEqualTo("safety");
    assertThat(fast.lastCall().model()).isEqualTo("eleos-adapter");
    assertThat(fast.lastCall().messages().toString()).contains("crisis");
  }

  @Test
  void aFailedCallIsRecordedAsScreeningFirstRecordsIt() {
    for (String query : List.of("plain question", "I want to hurt myself tonight")) {
      Rig fast = new Rig(true);
      Rig reference = new Rig(false);
      for (Rig rig : List.of(fast, reference)) {
        rig.backend.fail(
            "kairos-adapter",
            new BackendException.Unreachable("http://fake", new java.io.IOException("down")));
        rig.backend.fail(
            "eleos-adapter",
            new BackendException.Unreachable("http://fake", new java.io.IOException("down")));
        rig.backend.fail(
            StageFakes.BASE,
            new BackendException.Unreachable("http://fake", new java.io.IOException("down")));
      }
      assertThatThrownBy(() -> reference.ask(query, "kairos")).isInstanceOf(NyxException.class);
      assertThatThrownBy(() -> fast.ask(query, "kairos")).isInstanceOf(NyxException.class);
      assertThat(fast.log.rows).as(query).isEqualTo(reference.log.rows);
    }
  }

  @Test
  void aStreamsClientHearsWhatScreeningFirstWouldHaveSent() {
    for (String query :
        List.of("what is on my calendar next Tuesday?", "I want to hurt myself tonight")) {
      for (String named : List.of("kairos", "eleos")) {
        Rig fast = new Rig(true);
        Rig reference = new Rig(false);
        List<String> heardFast = new ArrayList<>();
        List<String> heardReference = new ArrayList<>();
        InferenceResult a = fast.stream(query, named, heardFast);
        InferenceResult b = reference.stream(query, named, heardReference);
        assertThat(a).as(query + " / " + named).isEqualTo(b);
        assertThat(heardFast).as("what the client heard").isEqualTo(heardReference);
        assertThat(fast.log.rows).as("rows").isEqualTo(reference.log.rows);
        assertThat(fast.reviews).as("reviews").isEqualTo(reference.reviews);
      }
    }
  }

  @Test
  void aFlaggedStreamNeverShowsTheNamedSpecialistsAnswer() {
    Rig fast = new Rig(true);
    List<String> heard = new ArrayList<>();
    fast.stream("I want to hurt myself tonight", "kairos", heard);
    assertThat(String.join("", heard))
        .contains("answer from eleos-adapter")
        .doesNotContain("kairos-adapter");
    assertThat(heard.getFirst()).startsWith("routed").endsWith(" eleos");
    assertThat(fast.backend.requests)
        .extracting(ChatRequest::model)
        .containsExactly("kairos-adapter", "eleos-adapter");
  }

  /**
   * The stream's model call starts while the question's screen still runs: this screen returns only
   * once the specialist has been called, which screening first could never get past.
   */
  @Test
  void aStreamsModelCallDoesNotWaitForTheScreen() {
    StageFakes.ScriptedBackend[] backend = new StageFakes.ScriptedBackend[1];
    AtomicBoolean calledFirst = new AtomicBoolean();
    String question = "what is on my calendar next Tuesday?";
    RiskScreen waitsForTheCall =
        text -> {
          if (text.equals(question)) { // the question's screen, not the answer's
            Waits.await("the specialist is called")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(2))
                .until(() -> !backend[0].requests.isEmpty());
            calledFirst.set(true);
          }
          return SCREEN.screen(text);
        };
    Rig fast = new Rig(true, waitsForTheCall);
    backend[0] = fast.backend;
    List<String> heard = new ArrayList<>();
    InferenceResult r = fast.stream(question, "kairos", heard);
    assertThat(calledFirst).as("the model was called while the screen ran").isTrue();
    assertThat(r.specialist()).isEqualTo("kairos");
    assertThat(String.join("", heard.subList(1, heard.size())))
        .isEqualTo("answer from kairos-adapter");
  }

  @Test
  void anUnknownSpecialistIsABadRequestEitherWay() {
    assertThatThrownBy(() -> new Rig(true).ask("hello", "nobody"))
        .isInstanceOf(NyxException.BadRequest.class);
  }
}
