package io.nyx.adapter;

import io.nyx.backend.ChatBackend;
import io.nyx.backend.LoraAdmin;
import io.nyx.specialist.Specialists;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The model server each specialist's adapters live on: the shared vLLM, or the specialist's own
 * {@code backend_url}. One {@link LoraAdmin} per server URL. Thread-safe.
 */
public final class ModelServers {
  private final Specialists specialists;
  private final Function<String, LoraAdmin> adminForUrl;
  private final Map<String, LoraAdmin> admins = new ConcurrentHashMap<>();

  /**
   * @param adminForUrl the runtime LoRA client of a server, by the base URL its chat backend has
   */
  public ModelServers(Specialists specialists, Function<String, LoraAdmin> adminForUrl) {
    this.specialists = specialists;
    this.adminForUrl = adminForUrl;
  }

  public LoraAdmin admin(String specialist) {
    return admins.computeIfAbsent(chat(specialist).baseUrl(), adminForUrl);
  }

  public ChatBackend chat(String specialist) {
    return specialists.backendFor(specialist);
  }

  public Specialists specialists() {
    return specialists;
  }
}
