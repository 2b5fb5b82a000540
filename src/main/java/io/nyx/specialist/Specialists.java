package io.nyx.specialist;

import io.nyx.backend.ChatBackend;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The configured specialists and the backend each one is served by: the shared vLLM unless the
 * specialist names its own {@code backend_url} (one vLLM per specialist, the seed's "slots").
 * Immutable, so thread-safe.
 */
public final class Specialists {
  private final Map<String, SpecialistConfig> byName = new LinkedHashMap<>();
  private final Map<String, ChatBackend> backends = new LinkedHashMap<>();
  private final ChatBackend shared;

  public Specialists(
      List<SpecialistConfig> list,
      ChatBackend shared,
      Function<String, ChatBackend> backendForUrl) {
    this.shared = shared;
    for (SpecialistConfig s : list) {
      byName.put(s.name(), s);
      String url = s.backendUrl();
      backends.put(s.name(), url == null || url.isBlank() ? shared : backendForUrl.apply(url));
    }
  }

  public Optional<SpecialistConfig> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public List<SpecialistConfig> all() {
    return List.copyOf(byName.values());
  }

  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  public ChatBackend backendFor(String name) {
    return backends.getOrDefault(name, shared);
  }

  /** The shared backend, which also serves the base model. */
  public ChatBackend base() {
    return shared;
  }
}
