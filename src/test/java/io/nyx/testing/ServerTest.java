package io.nyx.testing;

import io.nyx.app.Nyx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test class against one running Nyx ({@link NyxFixture}: port 0, a fresh test database, the fake
 * vLLM with the five default adapters), started once for the class and stopped after it. A class
 * that needs settings returns them as YAML from {@link #config()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ServerTest {
  /** This class's data dir, a fresh temporary directory. */
  protected Path dataDir;

  protected NyxFixture fixture;
  protected FakeVllm vllm;
  protected Nyx nyx;
  protected HttpTestClient http;

  /** The nyx.yaml of this class's server; empty for the defaults. */
  protected String config() {
    return "";
  }

  @BeforeAll
  final void startNyx(@TempDir Path dir) throws IOException {
    dataDir = dir;
    Map<String, String> flags = Map.of();
    if (!config().isEmpty()) {
      Path yaml = Files.writeString(dataDir.resolve("nyx.yaml"), config());
      flags = Map.of("config", yaml.toString());
    }
    fixture = NyxFixture.start(dataDir, flags);
    vllm = fixture.vllm();
    nyx = fixture.nyx();
    http = fixture.http();
  }

  @AfterAll
  final void stopNyx() {
    if (fixture != null) {
      fixture.close();
    }
  }
}
