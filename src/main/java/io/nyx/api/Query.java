package io.nyx.api;

import io.helidon.webserver.http.ServerRequest;
import io.nyx.pipeline.NyxException;
import io.nyx.text.StorableText;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** Strict reads of URL query parameters: unknown names and bad values are 400s naming them. */
final class Query {
  private final ServerRequest req;

  Query(ServerRequest req, Set<String> allowed) {
    this.req = req;
    for (String name : req.query().names()) {
      if (!allowed.contains(name)) {
        throw new NyxException.BadRequest(
            name, "unknown parameter '" + name + "'; allowed: " + new TreeSet<>(allowed));
      }
    }
  }

  /**
   * Refuses, with a 400 naming it, a query or path parameter (name or value) holding U+0000 or an
   * unpaired surrogate: every endpoint's parameters pass here ({@link Http#wrap}), the JSON bodies
   * through {@link Json#parse}.
   */
  static void requireStorable(ServerRequest req) {
    for (String name : req.query().names()) {
      storable(name, "query parameter name", name);
      for (String value : req.query().all(name)) {
        storable(name, "query parameter '" + name + "'", value);
      }
    }
    for (String name : req.path().pathParameters().names()) {
      storable(name, "path parameter '" + name + "'", req.path().pathParameters().get(name));
    }
  }

  private static void storable(String param, String what, String text) {
    StorableText.defect(text)
        .ifPresent(
            d -> {
              throw new NyxException.BadRequest(
                  StorableText.clean(param), what + " " + d.describe());
            });
  }

  @Nullable String optional(String name, int maxChars) {
    if (!req.query().contains(name)) {
      return null;
    }
    String v = req.query().get(name);
    if (v.length() > maxChars) {
      throw new NyxException.BadRequest(
          name, "'" + name + "' has " + v.length() + " characters; at most " + maxChars);
    }
    return v.isBlank() ? null : v;
  }

  String require(String name, int maxChars) {
    String v = optional(name, maxChars);
    if (v == null) {
      throw new NyxException.BadRequest(name, "'" + name + "' is required and must not be empty");
    }
    return v;
  }

  int integer(String name, int min, int max, int fallback) {
    String v = optional(name, 20);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below with the allowed range
    }
    throw new NyxException.BadRequest(
        name,
        "'" + name + "' must be an integer in [" + min + ", " + max + "] but was '" + v + "'");
  }
}
