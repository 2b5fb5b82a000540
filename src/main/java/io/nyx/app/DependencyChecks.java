package io.nyx.app;

import io.nyx.api.Readiness;
import io.nyx.backend.BackendException;
import io.nyx.backend.ChatBackend;
import io.nyx.backend.ModelInfo;
import io.nyx.config.SpecialistConfig;
import io.nyx.persistence.Database;
import io.nyx.specialist.Specialists;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code /ready}: the database answers, and each model backend answers {@code /v1/models} with
 * every configured adapter loaded, and Mnemosyne's vector index has caught up with the database.
 * Details name the URL and the missing adapters, or the index's progress.
 */
final class DependencyChecks implements Readiness {
  private final Database db;
  private final Specialists specialists;
  private final String baseModel;
  private final Memories memories;

  DependencyChecks(Database db, Specialists specialists, String baseModel, Memories memories) {
    this.db = db;
    this.specialists = specialists;
    this.baseModel = baseModel;
    this.memories = memories;
  }

  @Override
  public Map<String, Check> check() {
    Map<String, Check> checks = new LinkedHashMap<>();
    checks.put(
        "database",
        db.healthy()
            ? new Check(true, "PostgreSQL at " + db.jdbcUrl() + " answers")
            : new Check(false, "PostgreSQL at " + db.jdbcUrl() + " does not answer"));
    checks.put("memory_index", memories.check());
    Map<ChatBackend, List<SpecialistConfig>> byBackend = new LinkedHashMap<>();
    byBackend.put(specialists.base(), new ArrayList<>());
    for (SpecialistConfig s : specialists.all()) {
      byBackend.computeIfAbsent(specialists.backendFor(s.name()), b -> new ArrayList<>()).add(s);
    }
    int i = 0;
    for (var e : byBackend.entrySet()) {
      checks.put(
          i++ == 0 ? "model_backend" : "model_backend_" + i, backend(e.getKey(), e.getValue()));
    }
    return checks;
  }

  private Check backend(ChatBackend backend, List<SpecialistConfig> served) {
    List<ModelInfo> models;
    try {
      models = backend.models();
    } catch (BackendException e) {
      return new Check(false, e.getMessage());
    }
    Set<String> ids = models.stream().map(ModelInfo::id).collect(Collectors.toSet());
    List<String> missing =
        served.stream().map(SpecialistConfig::adapter).filter(a -> !ids.contains(a)).toList();
    if (!baseModel.isEmpty() && !ids.contains(baseModel)) {
      return new Check(
          false, "base model '" + baseModel + "' is not served by " + backend.baseUrl());
    }
    if (!missing.isEmpty()) {
      return new Check(
          false, backend.baseUrl() + " answers but these adapters are not loaded: " + missing);
    }
    return new Check(
        true, backend.baseUrl() + " serves " + ids.size() + " models, all adapters loaded");
  }
}
