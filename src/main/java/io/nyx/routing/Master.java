package io.nyx.routing;

import java.util.List;

/** The master model as the router sees it. Implementations never throw for backend failures. */
public interface Master {

  /**
   * @param candidates specialist names the master may pick, best semantic score first
   */
  MasterVerdict ask(String query, List<String> candidates);

  /**
   * {@code master}, except that while {@code saturated} says its server's queue is full it fails at
   * once without a call (outcome failed, the semantic decision stands): a routing question must not
   * queue behind the load that is being shed.
   */
  static Master unlessSaturated(Master master, java.util.function.BooleanSupplier saturated) {
    return (query, candidates) ->
        saturated.getAsBoolean()
            ? MasterVerdict.failure("failed", "model server saturated; not asked")
            : master.ask(query, candidates);
  }

  /** For offline routing (the {@code route} command): every call fails without I/O. */
  Master UNAVAILABLE = (query, candidates) -> MasterVerdict.failure("failed", "no master model");
}
