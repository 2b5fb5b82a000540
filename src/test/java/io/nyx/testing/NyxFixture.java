package io.nyx.testing;

import io.nyx.app.Nyx;
import io.nyx.config.ConfigLoader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A running Nyx on port 0 over a fresh test database, in front of a fake vLLM serving the five
 * default adapters, with an HTTP client pointed at it. Closing stops both servers.
 */
public record NyxFixture(FakeVllm vllm, Nyx nyx, HttpTestClient http) implements AutoCloseable {
  public static final List<String> ADAPTERS =
      List.of("mnemosyne", "moira", "aletheia", "kairos", "eleos");

  public static NyxFixture start(Path dataDir) {
    return start(dataDir, Map.of());
  }

  /** {@code flags} are extra command-line settings, e.g. {@code "config" -> yaml path}. */
  public static NyxFixture start(Path dataDir, Map<String, String> flags) {
    FakeVllm vllm = FakeVllm.start("Qwen/Qwen2.5-7B-Instruct", ADAPTERS);
    Map<String, String> all = new HashMap<>(flags);
    all.put("port", "0");
    all.put("llm-url", vllm.baseUrl());
    all.put("data-dir", dataDir.toString());
    Nyx nyx = Nyx.start(ConfigLoader.load(all, Map.of()), TestDatabase.fresh());
    return new NyxFixture(vllm, nyx, new HttpTestClient("http://127.0.0.1:" + nyx.port()));
  }

  /**
   * The configuration of a test server on port 0 in front of {@code llmUrl}, with its data in
   * {@code dataDir} and, when {@code yaml} is not null, the settings of that file.
   */
  public static io.nyx.config.NyxConfig config(
      String llmUrl, Path dataDir, @org.jspecify.annotations.Nullable Path yaml) {
    Map<String, String> flags = new HashMap<>();
    flags.put("port", "0");
    flags.put("llm-url", llmUrl);
    flags.put("data-dir", dataDir.toString());
    if (yaml != null) {
      flags.put("config", yaml.toString());
    }
    return ConfigLoader.load(flags, Map.of());
  }

  @Override
  public void close() {
    nyx.close();
    vllm.close();
  }
}
