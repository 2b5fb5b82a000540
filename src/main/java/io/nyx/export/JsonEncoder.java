package io.nyx.export;

/**
 * Encodes a tree of maps (keys in their iteration order), lists, strings, numbers, booleans and
 * nulls as one line of compact JSON, UTF-8, without the line break. Supplied by an edge that owns a
 * JSON library.
 */
@FunctionalInterface
public interface JsonEncoder {
  byte[] encode(Object tree);
}
