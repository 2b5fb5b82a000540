package io.nyx.context;

/**
 * A memory found for a query: its cosine similarity and its ranking score ({@link RecallWeights}).
 */
public record Recalled(Memory memory, double similarity, double score) {}
