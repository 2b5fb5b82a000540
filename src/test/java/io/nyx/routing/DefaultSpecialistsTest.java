package io.nyx.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.config.SpecialistsYaml;
import io.nyx.specialist.ContextStrategy;
import io.nyx.specialist.SpecialistConfig;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The shipped specialists.yaml: the five specialists of the seed, complete enough to route. */
class DefaultSpecialistsTest {
  private final Map<String, SpecialistConfig> byName =
      SpecialistsYaml.defaults().stream()
          .collect(Collectors.toMap(SpecialistConfig::name, Function.identity()));

  @Test
  void shipsTheFiveSpecialistsWithTheirContextStrategies() {
    assertThat(byName)
        .containsOnlyKeys("mnemosyne", "moira", "aletheia", "kairos", "eleos")
        .hasEntrySatisfying(
            "mnemosyne", s -> assertThat(s.context()).isEqualTo(ContextStrategy.MEMORY))
        .hasEntrySatisfying(
            "moira", s -> assertThat(s.context()).isEqualTo(ContextStrategy.FORESIGHT))
        .hasEntrySatisfying(
            "aletheia", s -> assertThat(s.context()).isEqualTo(ContextStrategy.FACTS))
        .hasEntrySatisfying("kairos", s -> assertThat(s.context()).isEqualTo(ContextStrategy.TIME))
        .hasEntrySatisfying(
            "eleos", s -> assertThat(s.context()).isEqualTo(ContextStrategy.SAFETY));
  }

  @Test
  void everySpecialistIsCompleteAndHasEnoughDistinctExemplars() {
    for (SpecialistConfig s : byName.values()) {
      assertThat(s.adapter()).as(s.name()).isEqualTo(s.name());
      assertThat(s.initialWeight()).as(s.name()).isEqualTo(0.5);
      assertThat(s.description()).as(s.name()).hasSizeGreaterThan(40);
      assertThat(s.promptTemplate()).as(s.name()).contains("<context>").contains("data");
      List<String> exemplars = s.exemplars();
      assertThat(exemplars).as(s.name()).hasSizeGreaterThanOrEqualTo(15).doesNotHaveDuplicates();
    }
  }

  @Test
  void aletheiaDecodesMoreConservativelyThanMoira() {
    assertThat(byName.get("aletheia").decoding().temperature())
        .isLessThan(byName.get("moira").decoding().temperature());
  }
}
