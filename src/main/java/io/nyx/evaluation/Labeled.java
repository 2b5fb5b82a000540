package io.nyx.evaluation;

/** A query and the right answer for it: a specialist's name, or {@code none} for out of scope. */
public record Labeled(String text, String label) {}
