package io.nyx.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.config.ConfigException;
import io.nyx.config.ConfigLoader;
import io.nyx.persistence.durable.FileEvidenceJournal;
import io.nyx.testing.FakeVllm;
import io.nyx.testing.NyxFixture;
import io.nyx.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails late (the safety categories file is missing, found only after the spools, the
 * learner and its journal are up) stops what it had started: the journal's lock is free again and
 * the next start on the same data dir works normally.
 */
class FailedStartTest {
  @TempDir Path dir;

  @Test
  void aStartThatFailsLateLeavesTheDataDirFree() throws IOException {
    Path yaml = dir.resolve("nyx.yaml");
    Files.writeString(yaml, "context:\n  safety_categories: " + dir.resolve("missing.yaml") + "\n");
    try (FakeVllm vllm = FakeVllm.start("base", NyxFixture.ADAPTERS)) {
      Map<String, String> flags =
          Map.of(
              "port", "0",
              "llm-url", vllm.baseUrl(),
              "data-dir", dir.toString(),
              "config", yaml.toString());
      assertThatThrownBy(() -> Nyx.start(ConfigLoader.load(flags, Map.of()), TestDatabase.fresh()))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("safety_categories");
      assertThat(FileEvidenceJournal.available(dir.resolve("journal"))).isTrue();
    }
    try (NyxFixture again = NyxFixture.start(dir)) {
      assertThat(again.http().get("/health").status()).isEqualTo(200);
    }
  }
}
