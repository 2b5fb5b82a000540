package io.nyx.backend.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.nyx.backend.BackendException;
import io.nyx.backend.BackendSettings;
import io.nyx.backend.LoraAdmin;
import io.nyx.backend.LoraAdminException;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link LoraAdmin} over vLLM's {@code /v1/load_lora_adapter}, {@code /v1/unload_lora_adapter} and
 * {@code /v1/models}. Success is a plain-text 200 ("Success: LoRA adapter 'x' added
 * successfully."), never parsed as JSON; refusals are vLLM's JSON errors, mapped here once:
 *
 * <ul>
 *   <li>404 without vLLM's error object (FastAPI's {@code {"detail":"Not Found"}}): the routes are
 *       not registered, i.e. {@code VLLM_ALLOW_RUNTIME_LORA_UPDATING} is off;
 *   <li>404 {@code NotFoundError}: no such adapter name, or nothing at the path;
 *   <li>400 "has already been loaded": the name is taken;
 *   <li>any other 4xx but 401/429: vLLM could not load the adapter (its message says why);
 *   <li>401, 429, 5xx and transport failures: {@link BackendException}s, as for chat calls.
 * </ul>
 *
 * Thread-safe.
 */
public final class VllmLoraAdmin implements LoraAdmin {
  private final HttpTransport http;

  public VllmLoraAdmin(BackendSettings settings) {
    this.http = new HttpTransport(settings);
  }

  @Override
  public void load(String name, String path) throws LoraAdminException, BackendException {
    JsonNode body = WireJson.object().put("lora_name", name).put("lora_path", path);
    call("/load_lora_adapter", body, name);
  }

  @Override
  public void unload(String name) throws LoraAdminException, BackendException {
    call("/unload_lora_adapter", WireJson.object().put("lora_name", name), name);
  }

  @Override
  public List<Served> served() throws BackendException {
    HttpRequest get = http.get("/models");
    byte[] body = http.exchange(get, "");
    JsonNode json = WireJson.tryParse(body);
    if (json == null || !json.path("data").isArray()) {
      throw new BackendException.Malformed(
          get.uri().toString(), "no model list: " + ChatWire.preview(body), false, null);
    }
    List<Served> out = new ArrayList<>();
    for (JsonNode card : json.path("data")) {
      String id = WireJson.text(card, "id");
      if (!id.isEmpty()) {
        out.add(new Served(id, WireJson.text(card, "root"), WireJson.textOrNull(card, "parent")));
      }
    }
    return List.copyOf(out);
  }

  @Override
  public String baseUrl() {
    return http.baseUrl();
  }

  private void call(String path, JsonNode body, String name)
      throws LoraAdminException, BackendException {
    HttpRequest post = http.post(path, body, null, false);
    HttpTransport.Response r = http.send(post);
    if (r.status() / 100 == 2) {
      return;
    }
    String url = post.uri().toString();
    UpstreamErrors.ErrorBody error = UpstreamErrors.parse(r.body());
    if (r.status() == 404) {
      throw error.type().isEmpty()
          ? new LoraAdminException.RuntimeUpdatesOff(http.baseUrl())
          : new LoraAdminException.NotFound(url, error.message());
    }
    if (r.status() == 400 && error.message().contains("already been loaded")) {
      throw new LoraAdminException.AlreadyLoaded(url, name, error.message());
    }
    if (r.status() / 100 == 4 && r.status() != 401 && r.status() != 429) {
      throw new LoraAdminException.Refused(url, r.status(), error.message());
    }
    throw UpstreamErrors.fromStatus(url, r.status(), r.body(), name);
  }
}
