package io.nyx.learning;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;

/**
 * What the bandit conditions on: a query's cluster together with the set of specialists that may
 * answer it. Learning per cluster alone pools, in one posterior per arm, queries on which the arm
 * competes with different rivals (and, the labels differing, at different success rates); a learner
 * that then plays the highest posterior among the arms present keeps a linear regret against the
 * best per-cluster ranking (measured: R(32000)/R(16000) = 1.75). With the candidate set in the
 * context each context is an ordinary stochastic bandit, so Thompson sampling's regret against the
 * best fixed arm per context is logarithmic.
 *
 * <p>The id is a stable 31-bit hash (CRC-32 of "cluster|a,b,c" with the names sorted), the same on
 * every replica and across restarts, so it can key the shared per-cluster rows; distinct contexts
 * collide with probability about n²/2^32 for n contexts in use. Pure.
 */
public final class BanditContext {
  private BanditContext() {}

  /**
   * @return −1 when {@code cluster} is below 0 (no clusters), else an id in [0, 2^31)
   */
  public static int of(int cluster, List<String> admissible) {
    if (cluster < 0) {
      return -1;
    }
    CRC32 crc = new CRC32();
    String key = cluster + "|" + String.join(",", admissible.stream().sorted().toList());
    crc.update(key.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() & 0x7fffffff);
  }
}
