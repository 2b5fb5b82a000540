package io.nyx.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AdapterRoutesTest {
  private static final Instant T = Instant.parse("2026-11-01T00:00:00Z");

  static AdapterVersion version(String specialist, int n, AdapterState state, double share) {
    return new AdapterVersion(
        specialist,
        n,
        n == 1 ? specialist : AdapterVersion.servedName(specialist, n),
        "/adapters/" + specialist + "/v" + n,
        null,
        null,
        T,
        state,
        T,
        share,
        "",
        "nyx",
        Map.of(),
        true);
  }

  @Test
  void aCanaryAnswersItsShareOfRequestsAndTheActiveVersionTheRest() {
    SplittableRandom random = new SplittableRandom(3);
    AdapterRoutes routes = new AdapterRoutes(random::nextDouble);
    routes.update(
        List.of(
            version("kairos", 1, AdapterState.ACTIVE, 0),
            version("kairos", 2, AdapterState.CANARY, 0.2),
            version("kairos", 3, AdapterState.CANDIDATE, 0)));
    int canary = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      AdapterRouting.Choice c = routes.choose("kairos", "kairos");
      AdapterRouting.Choice.Adapter a = (AdapterRouting.Choice.Adapter) c;
      if (a.model().equals("kairos-v2")) {
        assertThat(a.version()).isEqualTo(2);
        canary++;
      } else {
        assertThat(a).isEqualTo(new AdapterRouting.Choice.Adapter("kairos", 1));
      }
    }
    assertThat((double) canary / n).isCloseTo(0.2, within(0.01)); // 7 standard errors
    assertThat(routes.serving("kairos", "kairos")).containsExactly("kairos", "kairos-v2");
  }

  @Test
  void withoutAnActiveVersionTheBaseModelAnswersAndAnUnknownSpecialistKeepsItsAdapter() {
    AdapterRoutes routes = new AdapterRoutes(() -> 0.99);
    routes.update(List.of(version("eleos", 2, AdapterState.FAILED, 0)));

    assertThat(routes.choose("eleos", "eleos")).isInstanceOf(AdapterRouting.Choice.BaseModel.class);
    assertThat(routes.choose("moira", "moira-lora"))
        .isEqualTo(new AdapterRouting.Choice.Adapter("moira-lora", null));
    assertThat(routes.serving("eleos", "eleos")).isEmpty();
  }

  @Test
  void theTransitionTableIsClosed() {
    assertThat(AdapterState.ACTIVE.mayBecome(AdapterState.CANARY)).isFalse();
    assertThat(AdapterState.RETIRED.mayBecome(AdapterState.ACTIVE)).isTrue();
    assertThat(AdapterState.FAILED.mayBecome(AdapterState.ACTIVE)).isFalse();
    assertThat(AdapterState.CANARY.mayBecome(AdapterState.CANARY)).isTrue();
    assertThat(AdapterState.parse("canary")).contains(AdapterState.CANARY);
    assertThat(AdapterState.parse("Canary")).isEmpty();
  }
}
