package io.nyx.backend;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * vLLM's runtime LoRA API on one model server: load and unload adapters by name while it runs, and
 * list what it serves. Needs {@code VLLM_ALLOW_RUNTIME_LORA_UPDATING=true} on the server; without
 * it the routes do not exist and every call fails with {@link
 * LoraAdminException.RuntimeUpdatesOff}. Implementations are thread-safe; every call has a connect
 * and a read timeout.
 */
public interface LoraAdmin {

  /**
   * {@code POST /v1/load_lora_adapter}: serves the adapter in directory {@code path} (as the server
   * sees it) under {@code name}.
   *
   * @throws LoraAdminException.AlreadyLoaded when {@code name} is taken (vLLM never reloads a name
   *     unless asked to load in place, which Nyx never does)
   * @throws LoraAdminException.Refused when vLLM could not load it (rank above {@code
   *     --max-lora-rank}, DoRA, bias, missing files)
   * @throws BackendException when the server cannot be reached or fails
   */
  void load(String name, String path) throws LoraAdminException, BackendException;

  /**
   * {@code POST /v1/unload_lora_adapter}.
   *
   * @throws LoraAdminException.NotFound when the server serves no adapter by that name
   */
  void unload(String name) throws LoraAdminException, BackendException;

  /** {@code GET /v1/models}: the base model(s) and loaded adapters, with their roots. */
  List<Served> served() throws BackendException;

  /** The server's base URL, for messages. */
  String baseUrl();

  /**
   * One card of {@code /v1/models}: {@code root} is the base model's path or the adapter's {@code
   * lora_path}; {@code parent} is null for a base model.
   */
  record Served(String id, String root, @Nullable String parent) {
    public boolean isAdapter() {
      return parent != null;
    }
  }
}
