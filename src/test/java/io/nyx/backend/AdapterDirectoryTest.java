package io.nyx.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.testing.AdapterDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdapterDirectoryTest {
  static final String BASE = "Qwen/Qwen2.5-7B-Instruct";

  @TempDir Path dir;

  private static Path adapter(Path dir, String base, int rank, String extra) throws IOException {
    return AdapterDirs.saved(dir, base, rank, extra);
  }

  @Test
  void aSavedAdapterOnTheServedBaseWithinTheRankPasses() throws Exception {
    Path a = adapter(dir.resolve("v2"), BASE, 16, "");

    assertThat(AdapterDirectory.check(a, List.of(BASE), 16))
        .isEqualTo(new AdapterDirectory.Checked(BASE, 16));
    // vLLM started with --model /models/Qwen2.5-7B-Instruct serves the same model
    assertThat(AdapterDirectory.check(a, List.of("/models/Qwen2.5-7B-Instruct"), 64).rank())
        .isEqualTo(16);
  }

  @Test
  void everyProblemIsNamedAtOnce() throws Exception {
    Path a =
        adapter(
            dir.resolve("bad"),
            "meta-llama/Llama-3.1-8B-Instruct",
            64,
            ",\"use_dora\":true,\"bias\":\"all\",\"modules_to_save\":[\"lm_head\"]");
    Files.writeString(
        a.resolve("adapter_config.json"),
        Files.readString(a.resolve("adapter_config.json"))
            .replace("\"use_dora\":false,", "")
            .replace("\"bias\":\"none\",", "")
            .replace("\"modules_to_save\":null,", ""));

    assertThatThrownBy(() -> AdapterDirectory.check(a, List.of(BASE), 16))
        .isInstanceOfSatisfying(
            AdapterDirectory.Unfit.class,
            e ->
                assertThat(e.problems())
                    .hasSize(5)
                    .anySatisfy(p -> assertThat(p).contains("rank 64", "limit 16"))
                    .anySatisfy(p -> assertThat(p).contains("DoRA"))
                    .anySatisfy(p -> assertThat(p).contains("bias is 'all'"))
                    .anySatisfy(p -> assertThat(p).contains("modules_to_save"))
                    .anySatisfy(p -> assertThat(p).contains("Llama-3.1-8B", BASE)));
  }

  @Test
  void missingKeysImplausibleTargetsAndMissingWeightsAreRefused() throws Exception {
    Files.createDirectories(dir.resolve("hand"));
    Files.writeString(
        dir.resolve("hand/adapter_config.json"),
        "{\"base_model_name_or_path\":\"" + BASE + "\",\"target_modules\":[\"my layer!\"]}");

    assertThatThrownBy(() -> AdapterDirectory.check(dir.resolve("hand"), List.of(BASE), 16))
        .isInstanceOfSatisfying(
            AdapterDirectory.Unfit.class,
            e ->
                assertThat(String.join("\n", e.problems()))
                    .contains(
                        "lacks 'r'",
                        "lacks 'lora_alpha'",
                        "not plausible",
                        "no adapter_model.safetensors"));
  }

  @Test
  void aPathThatIsNotAnAdapterDirectorySaysWhat() {
    assertThatThrownBy(() -> AdapterDirectory.check(Path.of("relative/v2"), List.of(BASE), 16))
        .hasMessageContaining("absolute");
    assertThatThrownBy(() -> AdapterDirectory.check(dir.resolve("none"), List.of(BASE), 16))
        .hasMessageContaining("same path");
    assertThatThrownBy(() -> AdapterDirectory.check(dir, List.of(BASE), 16))
        .hasMessageContaining("no adapter_config.json");
  }
}
