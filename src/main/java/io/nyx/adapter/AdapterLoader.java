package io.nyx.adapter;

import io.nyx.backend.AdapterDirectory;
import io.nyx.backend.BackendException;
import io.nyx.backend.ChatMessage;
import io.nyx.backend.ChatRequest;
import io.nyx.backend.ChatResult;
import io.nyx.backend.LoraAdmin;
import io.nyx.backend.LoraAdminException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Nyx's side of vLLM's adapter table: checks a directory against the served base model, brings a
 * version up (load, then {@code /v1/models} must list it, then a smoke prompt must answer) before
 * any request is routed to it, and takes versions down. Thread-safe.
 */
final class AdapterLoader {
  private static final Logger LOG = Logger.getLogger(AdapterLoader.class.getName());

  /** Asked of a freshly loaded adapter: any non-empty answer shows it generates. */
  static final String SMOKE_PROMPT = "Reply with the single word OK.";

  static final int SMOKE_MAX_TOKENS = 8;

  private final ModelServers servers;
  private final int maxRank;

  AdapterLoader(ModelServers servers, int maxRank) {
    this.servers = servers;
    this.maxRank = maxRank;
  }

  /**
   * The directory's base model and rank, checked against what the specialist's server serves.
   *
   * @throws AdapterException.Invalid naming every problem of the directory
   * @throws AdapterException.Unavailable when the server cannot say what it serves
   */
  AdapterDirectory.Checked inspect(String specialist, String path) {
    LoraAdmin admin = servers.admin(specialist);
    Set<String> bases = new LinkedHashSet<>();
    try {
      for (LoraAdmin.Served s : admin.served()) {
        if (!s.isAdapter()) {
          bases.add(s.id());
          bases.add(s.root());
        }
      }
    } catch (BackendException e) {
      throw new AdapterException.Unavailable(
          "cannot check the adapter against the served base model: " + e.getMessage(), e);
    }
    bases.remove("");
    try {
      return AdapterDirectory.check(Path.of(path), bases, maxRank);
    } catch (AdapterDirectory.Unfit e) {
      throw new AdapterException.Invalid("path", e.getMessage());
    }
  }

  /**
   * Loads {@code v} unless its server already serves that name from the same path, then checks that
   * {@code /v1/models} lists it and that it answers a smoke prompt. A version that fails a check
   * after loading is unloaded again.
   *
   * @throws AdapterException.Refused when vLLM refused it or a check failed
   * @throws AdapterException.Unavailable when the server could not be reached
   */
  void bringUp(AdapterVersion v) {
    LoraAdmin admin = servers.admin(v.specialist());
    if (v.path().isEmpty()) {
      throw new AdapterException.Refused(
          v.name()
              + " has no path Nyx knows (served by the server's own --lora-modules), so it"
              + " cannot be loaded at run time",
          null);
    }
    boolean loadedNow = load(admin, v);
    try {
      listed(admin, v);
      smoke(v);
    } catch (AdapterException e) {
      if (loadedNow) {
        takeDown(v);
      }
      throw e;
    }
  }

  /** True when this call loaded it; false when the server already served it from that path. */
  private boolean load(LoraAdmin admin, AdapterVersion v) {
    try {
      admin.load(v.name(), v.path());
      return true;
    } catch (LoraAdminException.AlreadyLoaded taken) {
      if (!rootOf(admin, v.name()).equals(v.path())) {
        throw new AdapterException.Refused(
            taken.getMessage() + ", from " + rootOf(admin, v.name()) + ", not " + v.path(), taken);
      }
      return false; // a replica or an earlier attempt loaded this very version: fine
    } catch (LoraAdminException e) {
      throw new AdapterException.Refused("loading " + v.name() + ": " + e.getMessage(), e);
    } catch (BackendException e) {
      throw unavailable("loading " + v.name(), e);
    }
  }

  private String rootOf(LoraAdmin admin, String name) {
    try {
      return admin.served().stream()
          .filter(s -> s.id().equals(name))
          .map(LoraAdmin.Served::root)
          .findFirst()
          .orElse("(unknown)");
    } catch (BackendException e) {
      throw unavailable("listing " + admin.baseUrl() + "'s models", e);
    }
  }

  private void listed(LoraAdmin admin, AdapterVersion v) {
    List<String> ids;
    try {
      ids = admin.served().stream().map(LoraAdmin.Served::id).toList();
    } catch (BackendException e) {
      throw unavailable("listing " + admin.baseUrl() + "'s models", e);
    }
    if (!ids.contains(v.name())) {
      throw new AdapterException.Refused(
          admin.baseUrl() + " accepted " + v.name() + " but /v1/models does not list it: " + ids,
          null);
    }
  }

  private void smoke(AdapterVersion v) {
    ChatRequest ask =
        new ChatRequest(
            v.name(),
            List.of(ChatMessage.user(SMOKE_PROMPT)),
            0,
            1,
            SMOKE_MAX_TOKENS,
            false,
            0,
            null,
            null);
    try {
      ChatResult r = servers.chat(v.specialist()).complete(ask);
      if (r.content().isBlank()) {
        throw new AdapterException.Refused(
            v.name() + " answered the smoke prompt with nothing", null);
      }
    } catch (BackendException e) {
      throw new AdapterException.Refused(
          v.name() + " failed the smoke prompt: " + e.getMessage(), e);
    }
  }

  /** Unloads {@code v}; a name the server does not serve is fine. Failures are logged. */
  boolean takeDown(AdapterVersion v) {
    LoraAdmin admin = servers.admin(v.specialist());
    try {
      admin.unload(v.name());
      return true;
    } catch (LoraAdminException.NotFound gone) {
      return true;
    } catch (LoraAdminException | BackendException e) {
      LOG.log(Level.WARNING, "could not unload " + v.name() + " from " + admin.baseUrl(), e);
      return false;
    }
  }

  private static AdapterException.Unavailable unavailable(String what, BackendException e) {
    return new AdapterException.Unavailable(what + ": " + e.getMessage(), e);
  }
}
