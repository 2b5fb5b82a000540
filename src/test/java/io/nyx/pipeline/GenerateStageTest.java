package io.nyx.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.backend.BackendException;
import io.nyx.backend.ChatMessage;
import io.nyx.context.time.TimeReading;
import io.nyx.context.time.Urgency;
import io.nyx.routing.RouteDecision;
import io.nyx.routing.RouteMethod;
import io.nyx.safety.RiskAssessment;
import io.nyx.specialist.Specialists;
import java.net.ConnectException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GenerateStageTest {
  static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
  static final String URL = "http://fake-vllm/v1";
  final StageFakes.ScriptedBackend backend = new StageFakes.ScriptedBackend();
  final Specialists specialists = StageFakes.specialists(backend);
  final Plans plans = new Plans(specialists, StageFakes.BASE);
  final StageFakes.CountingMetrics metrics = new StageFakes.CountingMetrics();
  final AtomicLong nanos = new AtomicLong();

  private GenerateStage stage(int breakerFailures) {
    Generation g =
        new Generation(metrics, nanos::get, StageFakes.resilience(breakerFailures, nanos::get));
    return new GenerateStage(g, plans, metrics);
  }

  private Draft draft(String specialist) {
    InferenceRequest req = InferenceRequest.ofQuery("q", null, specialist, OptionalInt.empty());
    Plan plan = specialist == null ? plans.base(req) : plans.specialist(specialist, req);
    Decision d =
        new Decision(
            new TimeReading(NOW.atZone(ZoneOffset.UTC), List.of(), Urgency.NORMAL, List.of()),
            RiskAssessment.NONE,
            new RouteDecision.Forced(specialist == null ? "kairos" : specialist),
            -1,
            plan,
            RouteMethod.FORCED);
    Prompt prompt = new Prompt(List.of(ChatMessage.user("q")), List.of(), List.of(), List.of());
    return new Draft(UUID.randomUUID(), NOW, req, d, prompt);
  }

  private GenerateStage.Outcome answer(GenerateStage s, Draft d) {
    return s.answer(d, s.admit(d.plan(), d.req()), InferenceListener.NONE);
  }

  @Test
  void thePlannedAdapterAnswers() {
    var out = answer(stage(5), draft("kairos"));
    assertThat(out)
        .isInstanceOfSatisfying(
            GenerateStage.Outcome.Answered.class,
            a -> {
              assertThat(a.answer().used().model()).isEqualTo("kairos-adapter");
              assertThat(a.answer().fallback()).isEmpty();
              assertThat(a.answer().timed().result().content())
                  .isEqualTo("answer from kairos-adapter");
            });
  }

  @Test
  void anAdapterThatIsNotLoadedIsAnsweredForByTheBaseModelAndFlagged() {
    backend.fail(
        "kairos-adapter", new BackendException.ModelNotFound(URL, "kairos-adapter", "404"));
    var out = answer(stage(5), draft("kairos"));
    assertThat(out)
        .isInstanceOfSatisfying(
            GenerateStage.Outcome.Answered.class,
            a -> {
              assertThat(a.answer().used().model()).isEqualTo(StageFakes.BASE);
              assertThat(a.answer().fallback())
                  .isEqualTo("adapter 'kairos-adapter' is not loaded; the base model answered");
            });
    assertThat(metrics.events).contains("fallback kairos not_loaded");
  }

  @Test
  void anOpenBreakerSendsTheAdaptersRequestsToTheBaseModel() {
    backend.fail("kairos-adapter", new BackendException.ServerError(URL, 500, "boom", false));
    GenerateStage s = stage(1);
    assertThat(answer(s, draft("kairos"))).isInstanceOf(GenerateStage.Outcome.Failed.class);
    var out = answer(s, draft("kairos"));
    assertThat(out)
        .isInstanceOfSatisfying(
            GenerateStage.Outcome.Answered.class,
            a -> {
              assertThat(a.answer().used().model()).isEqualTo(StageFakes.BASE);
              assertThat(a.answer().fallback()).startsWith("circuit open for 'kairos-adapter'");
            });
    assertThat(metrics.events).contains("fallback kairos circuit_open");
  }

  @Test
  void failuresBecomeTheRowsStatusAndTheCallersError() {
    backend.fail(
        StageFakes.BASE, new BackendException.Unreachable(URL, new ConnectException("refused")));
    var unreachable = answer(stage(5), draft(null));
    assertThat(unreachable)
        .isInstanceOfSatisfying(
            GenerateStage.Outcome.Failed.class,
            f -> {
              assertThat(f.status()).isEqualTo("backend_unavailable");
              assertThat(f.error()).isInstanceOf(NyxException.Unavailable.class);
            });
    backend.fail("moira-adapter", new BackendException.ServerError(URL, 500, "boom", false));
    var broken = answer(stage(5), draft("moira"));
    assertThat(broken)
        .isInstanceOfSatisfying(
            GenerateStage.Outcome.Failed.class,
            f -> {
              assertThat(f.status()).isEqualTo("backend_error");
              assertThat(f.error()).isInstanceOf(NyxException.UpstreamFailed.class);
            });
  }

  @Test
  void theBaseModelHasNothingToFallBackTo() {
    backend.fail(StageFakes.BASE, new BackendException.ModelNotFound(URL, StageFakes.BASE, "404"));
    var out = answer(stage(5), draft(null));
    assertThat(out)
        .isInstanceOfSatisfying(
            GenerateStage.Outcome.Failed.class,
            f -> assertThat(f.status()).isEqualTo("backend_error"));
    assertThat(backend.requests).hasSize(1);
  }
}
