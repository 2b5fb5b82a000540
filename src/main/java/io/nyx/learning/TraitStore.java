package io.nyx.learning;

/** The three trait stores in one, while consumers move to the one they need. */
public interface TraitStore extends TraitWeightStore, ClusterStore, SegmentStore {}
