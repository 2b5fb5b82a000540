package io.nyx.config;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Typed reads from a parsed YAML mapping, each naming the full key path on error. Unknown keys are
 * rejected ({@link #rejectUnknown}) so a typo never silently falls back to a default.
 */
final class YamlTree {
  private final String path;
  private final Map<String, Object> map;

  YamlTree(String path, Map<String, Object> map) {
    this.path = path;
    this.map = map;
  }

  String key(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  boolean has(String name) {
    return map.get(name) != null;
  }

  @Nullable String string(String name) {
    Object v = map.get(name);
    if (v == null) {
      return null;
    }
    if (v instanceof String || v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    throw new ConfigException(key(name), v, "a string");
  }

  String string(String name, String fallback) {
    String v = string(name);
    return v == null ? fallback : v;
  }

  double number(String name, double fallback) {
    Object v = map.get(name);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw new ConfigException(key(name), v, "a number");
  }

  int integer(String name, int fallback) {
    Object v = map.get(name);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Integer || v instanceof Long) {
      long l = ((Number) v).longValue();
      if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
        return (int) l;
      }
    }
    throw new ConfigException(key(name), v, "an integer");
  }

  boolean bool(String name, boolean fallback) {
    Object v = map.get(name);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    throw new ConfigException(key(name), v, "true or false");
  }

  List<String> strings(String name) {
    Object v = map.get(name);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw new ConfigException(key(name), v, "a list of strings");
    }
    for (Object item : list) {
      if (!(item instanceof String)) {
        throw new ConfigException(key(name), item, "a list of strings");
      }
    }
    @SuppressWarnings("unchecked")
    List<String> strings = (List<String>) list;
    return strings;
  }

  YamlTree child(String name) {
    Object v = map.get(name);
    if (v == null) {
      return new YamlTree(key(name), Map.of());
    }
    return new YamlTree(key(name), asMap(key(name), v));
  }

  List<YamlTree> children(String name) {
    Object v = map.get(name);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw new ConfigException(key(name), v, "a list of mappings");
    }
    return list.stream()
        .map(item -> new YamlTree(key(name) + "[]", asMap(key(name) + "[]", item)))
        .toList();
  }

  void rejectUnknown(Collection<String> allowed) {
    Set<String> unknown = new TreeSet<>(map.keySet());
    unknown.removeAll(allowed);
    if (!unknown.isEmpty()) {
      throw new ConfigException(
          key(unknown.iterator().next()),
          "is not a setting; allowed here: " + new TreeSet<>(allowed));
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(String key, Object v) {
    if (v instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    throw new ConfigException(key, v, "a mapping");
  }
}
