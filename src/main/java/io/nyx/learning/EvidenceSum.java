package io.nyx.learning;

/**
 * Evidence summed for one target over a batch of answers.
 *
 * @param trait the specialist's trait, or {@link ClusterStore#BASE} for the base model (clusters
 *     only)
 * @param cluster the query cluster, or {@link #TRAIT} for the trait itself
 * @param answers how many answers the sum covers
 */
public record EvidenceSum(String trait, int cluster, TraitEvidence evidence, int answers) {
  /** The cluster value of trait-level evidence. */
  public static final int TRAIT = -1;

  public EvidenceSum {
    if (trait == null || trait.isBlank()) {
      throw new IllegalArgumentException("trait must be a non-blank name");
    }
    if (cluster < TRAIT) {
      throw new IllegalArgumentException("cluster must be >= -1 but was " + cluster);
    }
    if (ClusterStore.BASE.equals(trait) && cluster == TRAIT) {
      throw new IllegalArgumentException("the base model learns per cluster only");
    }
  }

  /** The target: a trait, a trait in a cluster, or the base model in a cluster. */
  public record Target(String trait, int cluster) implements Comparable<Target> {
    @Override
    public int compareTo(Target o) {
      int byName = trait.compareTo(o.trait);
      return byName != 0 ? byName : Integer.compare(cluster, o.cluster);
    }
  }

  public Target target() {
    return new Target(trait, cluster);
  }
}
