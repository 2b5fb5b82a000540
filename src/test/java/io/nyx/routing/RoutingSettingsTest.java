package io.nyx.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.config.ConfigException;
import io.nyx.settings.SettingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class RoutingSettingsTest {

  @Test
  void defaultsAreTheNamedConstants() {
    RoutingSettings d = RoutingSettings.DEFAULT;
    assertThat(d.threshold()).isEqualTo(RoutingSettings.DEFAULT_THRESHOLD);
    assertThat(d.priorStrength()).isEqualTo(RoutingSettings.DEFAULT_PRIOR_STRENGTH);
    assertThat(d.topK()).isEqualTo(RoutingSettings.DEFAULT_TOP_K);
    assertThat(d.centroidWeight()).isEqualTo(RoutingSettings.DEFAULT_CENTROID_WEIGHT);
    assertThat(d.confidenceTemperature()).isEqualTo(RoutingSettings.DEFAULT_CONFIDENCE_TEMPERATURE);
    assertThat(d.tokenWeight()).isEqualTo(RoutingSettings.AUTO_TOKEN_WEIGHT);
  }

  @Test
  void anAutoTokenWeightIsTheEmbeddingModelsOwn() {
    assertThat(SemanticRouter.tokenWeightFor("all-minilm-l6-v2-q"))
        .isEqualTo(RoutingSettings.DEFAULT_TOKEN_WEIGHT);
    assertThat(SemanticRouter.tokenWeightFor("bge-small-en-v1.5-q")).isEqualTo(0.25);
    rejects(() -> RoutingSettings.DEFAULT.withTokenWeight(1.5), "token_weight", "1.5");
    rejects(() -> RoutingSettings.DEFAULT.withTokenWeight(-0.5), "token_weight", "-0.5");
  }

  @Test
  void thresholdOutsideOpenUnitIntervalIsRejectedNamingTheField() {
    rejects(() -> RoutingSettings.DEFAULT.withThreshold(1.7), "threshold", "1.7");
    rejects(() -> RoutingSettings.DEFAULT.withThreshold(-0.1), "threshold", "-0.1");
    assertThat(RoutingSettings.DEFAULT.withThreshold(0).autoThreshold()).isTrue();
    rejects(() -> RoutingSettings.DEFAULT.withThreshold(Double.NaN), "threshold", "NaN");
  }

  @Test
  void otherKnobsAreRejectedNamingTheirFields() {
    rejects(() -> RoutingSettings.DEFAULT.withPriorStrength(-0.1), "prior_strength", "-0.1");
    rejects(() -> RoutingSettings.DEFAULT.withTopK(0), "top_k", "0");
    rejects(() -> RoutingSettings.DEFAULT.withCentroidWeight(1.5), "centroid_weight", "1.5");
    rejects(() -> new RoutingSettings(0.3, 0.5, 3, 0.5, 0), "confidence_temperature", "0.0");
  }

  @Test
  void edgesOfTheAllowedRangesAreAccepted() {
    assertThat(RoutingSettings.DEFAULT.withPriorStrength(0).priorStrength()).isZero();
    assertThat(RoutingSettings.DEFAULT.withCentroidWeight(1).centroidWeight()).isEqualTo(1);
    assertThat(RoutingSettings.DEFAULT.withTopK(1).topK()).isEqualTo(1);
  }

  @Test
  void theConfigurationNamesTheFullKey() {
    assertThatThrownBy(
            () -> ConfigException.under("routing.", () -> RoutingSettings.DEFAULT.withTopK(0)))
        .isInstanceOfSatisfying(
            ConfigException.class, e -> assertThat(e.key()).isEqualTo("routing.top_k"))
        .hasMessage("routing.top_k must be in [1,100] but was 0");
  }

  private static void rejects(Executable build, String field, String value) {
    assertThatThrownBy(build::execute)
        .isInstanceOfSatisfying(SettingException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageStartingWith(field + " must be")
        .hasMessageEndingWith("but was " + value);
  }
}
