package io.nyx.app;

import io.nyx.api.Readiness;
import io.nyx.backend.BackendException;
import io.nyx.backend.ChatBackend;
import io.nyx.backend.ModelInfo;
import io.nyx.persistence.Database;
import io.nyx.specialist.SpecialistConfig;
import io.nyx.specialist.Specialists;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@code /ready}: the database answers, and each model backend answers {@code /v1/models} with
 * every adapter version its specialists are routed to (active versions and canaries) loaded, and
 * Mnemosyne's vector index has caught up with the database, and no write spool is stuck ({@link
 * SpoolCheck}; dead letters make it degraded). The remote probes run in parallel, each given {@code
 * probeLimit}: one that has not answered by then is reported down, so a call takes at most about
 * that long. Details name the model server's URL and the missing adapters or the index's progress,
 * but not the database's URL: {@code /ready} is unauthenticated. Callers go through {@link
 * CachedReadiness}.
 */
final class DependencyChecks implements Readiness {
  private static final Executor PROBES =
      task -> Thread.ofVirtual().name("nyx-ready-probe").start(task);

  private final Database db;
  private final Specialists specialists;
  private final Function<SpecialistConfig, List<String>> serving;
  private final String baseModel;
  private final Memories memories;
  private final SpoolCheck spools;
  private final Duration probeLimit;
  private final LongSupplier nanoClock;

  DependencyChecks(
      Database db,
      Specialists specialists,
      Function<SpecialistConfig, List<String>> serving,
      String baseModel,
      Memories memories,
      SpoolCheck spools,
      Duration probeLimit,
      LongSupplier nanoClock) {
    this.db = db;
    this.specialists = specialists;
    this.serving = serving;
    this.baseModel = baseModel;
    this.memories = memories;
    this.spools = spools;
    this.probeLimit = probeLimit;
    this.nanoClock = nanoClock;
  }

  @Override
  public Map<String, Check> check() {
    long deadline = nanoClock.getAsLong() + probeLimit.toNanos();
    String where = db.isEmbedded() ? "embedded" : "external";
    CompletableFuture<Check> database =
        probe(
            () ->
                db.healthy()
                    ? new Check(true, "PostgreSQL (" + where + ") answers")
                    : new Check(false, "PostgreSQL (" + where + ") does not answer"));
    Map<String, CompletableFuture<Check>> backends = new LinkedHashMap<>();
    int i = 0;
    for (var e : servedBy().entrySet()) {
      backends.put(
          i++ == 0 ? "model_backend" : "model_backend_" + i,
          probe(() -> backend(e.getKey(), e.getValue())));
    }
    Map<String, Check> checks = new LinkedHashMap<>();
    Check dbCheck = await(database, "PostgreSQL (" + where + ")", deadline);
    checks.put("database", dbCheck);
    checks.put("memory_index", memories.check());
    backends.forEach((name, f) -> checks.put(name, await(f, "the model server", deadline)));
    checks.put("spools", spools.check(dbCheck.ok()));
    return checks;
  }

  /** The configured specialists by the backend that serves them, the base model's first. */
  private Map<ChatBackend, List<SpecialistConfig>> servedBy() {
    Map<ChatBackend, List<SpecialistConfig>> byBackend = new LinkedHashMap<>();
    byBackend.put(specialists.base(), new ArrayList<>());
    for (SpecialistConfig s : specialists.all()) {
      byBackend.computeIfAbsent(specialists.backendFor(s.name()), b -> new ArrayList<>()).add(s);
    }
    return byBackend;
  }

  private static CompletableFuture<Check> probe(Supplier<Check> probe) {
    return CompletableFuture.supplyAsync(probe, PROBES);
  }

  /** The probe's answer, or down when it has none by {@code deadline} (it then runs on alone). */
  private Check await(CompletableFuture<Check> probe, String what, long deadline) {
    try {
      return probe.get(Math.max(0, deadline - nanoClock.getAsLong()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return new Check(false, what + " did not answer within " + probeLimit.toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Check(false, "interrupted while probing " + what);
    } catch (ExecutionException e) {
      return new Check(false, "probing " + what + " failed: " + e.getCause());
    }
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
        served.stream()
            .flatMap(s -> serving.apply(s).stream())
            .filter(a -> !ids.contains(a))
            .toList();
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
