package io.nyx.backend.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.backend.BackendException;
import io.nyx.backend.BackendSettings;
import io.nyx.backend.LoraAdmin;
import io.nyx.backend.LoraAdminException;
import io.nyx.testing.AdapterDirs;
import io.nyx.testing.FakeVllm;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime LoRA client against the fake's vLLM statuses and bodies (load, unload, models). */
class VllmLoraAdminTest {
  private final FakeVllm fake = FakeVllm.start(FakeVllm.DEFAULT_BASE_MODEL, List.of("kairos"));
  private final VllmLoraAdmin admin = new VllmLoraAdmin(BackendSettings.of(fake.baseUrl()));

  @TempDir Path dir;

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void loadsAndUnloadsAndListsWithRoots() throws Exception {
    admin.load("kairos-v2", "/adapters/kairos/v2");

    assertThat(admin.served())
        .contains(
            new LoraAdmin.Served(FakeVllm.DEFAULT_BASE_MODEL, FakeVllm.DEFAULT_BASE_MODEL, null),
            new LoraAdmin.Served("kairos-v2", "/adapters/kairos/v2", FakeVllm.DEFAULT_BASE_MODEL));
    admin.unload("kairos-v2");
    assertThat(fake.adapters()).containsExactly("kairos");
  }

  @Test
  void aNameAlreadyLoadedIsA400AndAnUnknownOneA404() {
    assertThatThrownBy(() -> admin.load("kairos", "/elsewhere"))
        .isInstanceOf(LoraAdminException.AlreadyLoaded.class)
        .hasMessageContaining("already been loaded");
    assertThatThrownBy(() -> admin.unload("nobody"))
        .isInstanceOf(LoraAdminException.NotFound.class)
        .hasMessageContaining("'nobody' cannot be found");
  }

  @Test
  void withRuntimeUpdatingOffItSaysWhichSettingIsMissing() {
    fake.runtimeLoraUpdating(false);

    assertThatThrownBy(() -> admin.load("kairos-v2", "/adapters/kairos/v2"))
        .isInstanceOf(LoraAdminException.RuntimeUpdatesOff.class)
        .hasMessageContaining("VLLM_ALLOW_RUNTIME_LORA_UPDATING=true")
        .hasMessageContaining(fake.baseUrl());
  }

  @Test
  void anAdapterTheEngineCannotLoadIsRefusedWithVllmsReason() throws Exception {
    fake.maxLoraRank(16).requireAdapterFiles(true);
    Path big = AdapterDirs.saved(dir.resolve("big"), FakeVllm.DEFAULT_BASE_MODEL, 64, "");

    assertThatThrownBy(() -> admin.load("kairos-v3", big.toString()))
        .isInstanceOf(LoraAdminException.Refused.class)
        .hasMessageContaining("(400)")
        .hasMessageContaining("LoRA rank 64 is greater than max_lora_rank 16");
    assertThatThrownBy(() -> admin.load("kairos-v4", dir.resolve("missing").toString()))
        .isInstanceOf(LoraAdminException.NotFound.class)
        .hasMessageContaining("No adapter found");
  }

  @Test
  void anUnreachableServerIsABackendFailure() {
    fake.close();

    assertThatThrownBy(() -> admin.load("kairos-v2", "/x"))
        .isInstanceOf(BackendException.Unreachable.class);
  }
}
