package io.nyx.learning;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The trait weights routing uses for a query of one cluster: a specialist's weight in that cluster
 * once the cluster holds at least {@code minEvidence} (decayed) observations, its overall weight
 * otherwise (back-off), and always its overall weight while an operator's pin holds, so steering is
 * never overridden by a cluster. Pure.
 */
public final class ClusterPriors {
  private ClusterPriors() {}

  /**
   * @param traits every trait's posterior by name
   * @param clusters trait → cluster → posterior; a cluster below 0 means "no cluster"
   */
  public static Map<String, Double> weights(
      Map<String, TraitPosterior> traits,
      Map<String, Map<Integer, TraitPosterior>> clusters,
      int cluster,
      double minEvidence,
      Instant now) {
    Map<String, Double> w = new HashMap<>();
    traits.forEach((name, t) -> w.put(name, t.weight()));
    w.putAll(trusted(traits, clusters, cluster, minEvidence, now));
    return w;
  }

  /** Only the cluster weights that replace their trait's weight. */
  public static Map<String, Double> trusted(
      Map<String, TraitPosterior> traits,
      Map<String, Map<Integer, TraitPosterior>> clusters,
      int cluster,
      double minEvidence,
      Instant now) {
    Map<String, Double> w = new HashMap<>();
    if (cluster < 0) {
      return w;
    }
    traits.forEach(
        (name, t) -> {
          TraitPosterior c = clusters.getOrDefault(name, Map.of()).get(cluster);
          if (c != null && c.evidence() >= minEvidence && !t.pinnedAt(now)) {
            w.put(name, c.weight());
          }
        });
    return w;
  }
}
