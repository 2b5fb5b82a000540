package io.nyx.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nyx.pipeline.NyxException;
import java.util.Iterator;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Typed reads of a request object's fields. Each failure is a 400 that names the field, what was
 * wrong and what is allowed. A JSON null counts as absent.
 */
final class Fields {
  private final ObjectNode obj;

  Fields(ObjectNode obj) {
    this.obj = obj;
  }

  /** Nyx's own endpoints reject unknown fields, so a typo is never silently ignored. */
  Fields only(Set<String> allowed) {
    for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw new NyxException.BadRequest(
            name,
            "unknown field '" + name + "'; allowed fields: " + new java.util.TreeSet<>(allowed));
      }
    }
    return this;
  }

  /** True when the field is present and not null. */
  boolean has(String name) {
    JsonNode n = obj.get(name);
    return n != null && !n.isNull();
  }

  String requireString(String name, int maxChars) {
    String v = optString(name, maxChars);
    if (v == null || v.isBlank()) {
      throw new NyxException.BadRequest(
          name, "'" + name + "' is required and must be a non-empty string");
    }
    return v;
  }

  @Nullable String optString(String name, int maxChars) {
    JsonNode n = obj.get(name);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw wrongType(name, "a string", n);
    }
    if (n.textValue().length() > maxChars) {
      throw new NyxException.BadRequest(
          name,
          "'"
              + name
              + "' has "
              + n.textValue().length()
              + " characters; at most "
              + maxChars
              + " allowed");
    }
    return n.textValue();
  }

  OptionalInt optInt(String name, int min, int max) {
    JsonNode n = obj.get(name);
    if (n == null || n.isNull()) {
      return OptionalInt.empty();
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < min || n.intValue() > max) {
      throw new NyxException.BadRequest(
          name, "'" + name + "' must be an integer in [" + min + ", " + max + "] but was " + n);
    }
    return OptionalInt.of(n.intValue());
  }

  OptionalDouble optNumber(String name, double min, double max) {
    JsonNode n = obj.get(name);
    if (n == null || n.isNull()) {
      return OptionalDouble.empty();
    }
    if (!n.isNumber() || !(n.doubleValue() >= min && n.doubleValue() <= max)) {
      throw new NyxException.BadRequest(
          name, "'" + name + "' must be a number in [" + min + ", " + max + "] but was " + n);
    }
    return OptionalDouble.of(n.doubleValue());
  }

  double requireNumber(String name, double min, double max) {
    OptionalDouble v = optNumber(name, min, max);
    if (v.isEmpty()) {
      throw new NyxException.BadRequest(
          name, "'" + name + "' is required: a number in [" + min + ", " + max + "]");
    }
    return v.getAsDouble();
  }

  boolean optBool(String name, boolean fallback) {
    JsonNode n = obj.get(name);
    if (n == null || n.isNull()) {
      return fallback;
    }
    if (!n.isBoolean()) {
      throw wrongType(name, "true or false", n);
    }
    return n.booleanValue();
  }

  private static NyxException wrongType(String name, String expected, JsonNode n) {
    return new NyxException.BadRequest(
        name, "'" + name + "' must be " + expected + " but was " + Json.kind(n));
  }
}
