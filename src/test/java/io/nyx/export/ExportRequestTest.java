package io.nyx.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExportRequestTest {
  private static ExportRequest kto(Format f, double min, double max, double share) {
    return new ExportRequest(
        ExportRequest.Kind.KTO, f, null, Instant.EPOCH, min, 0.5, max, null, share, 0);
  }

  @Test
  void refusalsNameTheField() {
    assertThatThrownBy(() -> kto(Format.OPENAI, 0.5, 0, 0))
        .hasMessage("format openai has no kto lines; use trl");
    assertThatThrownBy(() -> kto(Format.TRL, 0.5, 0.5, 0))
        .hasMessageStartingWith("max_reward must be below min_reward");
    assertThatThrownBy(() -> kto(Format.TRL, 0.5, 0, 0.6))
        .hasMessage("val_share must be in [0, 0.5]: 0.6");
  }

  @Test
  void theEarlierShapeAndTheRetrainingShortcutKeepTheirDefaults() {
    ExportRequest r =
        new ExportRequest(ExportRequest.Kind.SFT, "kairos", Instant.EPOCH, -1, 0.5, null);
    assertThat(r.format()).isEqualTo(Format.TRL);
    assertThat(r.valShare()).isZero();
    ExportRequest retrain =
        ExportRequest.retraining(ExportRequest.Kind.KTO, "kairos", Instant.EPOCH);
    assertThat(retrain.specialist()).isEqualTo("kairos");
    assertThat(retrain.minReward()).isEqualTo(ExportRequest.DEFAULT_MIN_REWARD);
    assertThat(retrain.maxReward()).isEqualTo(ExportRequest.DEFAULT_MAX_REWARD);
    assertThat(retrain.withValidation(0.1, 3).valShare()).isEqualTo(0.1);
  }
}
