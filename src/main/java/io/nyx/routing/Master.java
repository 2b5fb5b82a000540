package io.nyx.routing;

import java.util.List;

/** The master model as the router sees it. Implementations never throw for backend failures. */
public interface Master {

  /**
   * @param candidates specialist names the master may pick, best semantic score first
   */
  MasterVerdict ask(String query, List<String> candidates);

  /** For offline routing (the {@code route} command): every call fails without I/O. */
  Master UNAVAILABLE = (query, candidates) -> MasterVerdict.failure("failed", "no master model");
}
