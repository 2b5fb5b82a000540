package io.nyx.backend;

import org.jspecify.annotations.Nullable;

/** One card of {@code GET /v1/models}: a base model ({@code parent == null}) or a LoRA adapter. */
public record ModelInfo(String id, @Nullable String parent, @Nullable Integer maxModelLen) {
  public boolean isAdapter() {
    return parent != null;
  }
}
