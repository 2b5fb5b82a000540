package io.nyx.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@link StorableText} over a JSON tree: every string value and every object key, at any depth
 * (Jackson bounds the depth of what it parses, so the recursion is bounded too).
 */
public final class JsonText {
  private JsonText() {}

  /**
   * Where a tree holds text that cannot be stored.
   *
   * @param path the field, e.g. {@code query}, {@code messages[1].content} or {@code [0].text}; for
   *     a key, the path ends with the key, its bad units written as {@code \\uXXXX}
   * @param key whether the object key itself is the problem (else the string value at the path)
   */
  public record Found(String path, boolean key, StorableText.Defect defect) {
    public String describe() {
      return (key ? "key '" : "'") + path + "' " + defect.describe();
    }
  }

  /** The first string value or object key, in document order, that cannot be stored. */
  public static Optional<Found> defect(JsonNode node) {
    return defect(node, "");
  }

  private static Optional<Found> defect(JsonNode node, String path) {
    if (node.isTextual()) {
      return StorableText.defect(node.textValue()).map(d -> new Found(path, false, d));
    }
    if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        Optional<Found> f = defect(array.get(i), path + "[" + i + "]");
        if (f.isPresent()) {
          return f;
        }
      }
    }
    if (node instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> e : object.properties()) {
        String at = path.isEmpty() ? escaped(e.getKey()) : path + "." + escaped(e.getKey());
        Optional<StorableText.Defect> inKey = StorableText.defect(e.getKey());
        if (inKey.isPresent()) {
          return Optional.of(new Found(at, true, inKey.get()));
        }
        Optional<Found> f = defect(e.getValue(), at);
        if (f.isPresent()) {
          return f;
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Replaces, in place, every NUL and unpaired surrogate in the tree's strings and keys by U+FFFD
   * (keys keep their order; two keys that become equal keep the later value).
   *
   * @return {@code node}, or a new text node when {@code node} itself is a string to clean
   */
  public static JsonNode clean(JsonNode node) {
    if (node.isTextual()) {
      String s = node.textValue();
      String c = StorableText.clean(s);
      return c.equals(s) ? node : TextNode.valueOf(c);
    }
    if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, clean(array.get(i))); // the same node again unless it was a dirty string
      }
    }
    if (node instanceof ObjectNode object) {
      List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(object.properties());
      boolean keys = entries.stream().anyMatch(e -> StorableText.defect(e.getKey()).isPresent());
      if (keys) {
        object.removeAll(); // re-added below in order, under their cleaned names
      }
      for (Map.Entry<String, JsonNode> e : entries) {
        object.set(
            StorableText.clean(e.getKey()), clean(e.getValue())); // a kept key keeps its place
      }
    }
    return node;
  }

  /** A key as it may be shown: each unit that cannot be stored written as a JSON escape. */
  private static String escaped(String key) {
    if (StorableText.defect(key).isEmpty()) {
      return key;
    }
    StringBuilder sb = new StringBuilder(key.length() + 8);
    String cleaned = StorableText.clean(key);
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (cleaned.charAt(i) == StorableText.REPLACEMENT && c != StorableText.REPLACEMENT) {
        sb.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
