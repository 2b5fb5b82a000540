package io.nyx.config;

import io.nyx.security.ApiKey;
import io.nyx.security.Scope;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Maps the YAML {@code security:} section. */
final class SecurityConfigs {
  static final List<String> KEYS = List.of("keys");

  static final List<String> KEY_FIELDS =
      List.of("name", "sha256", "scopes", "rate_per_second", "burst", "max_concurrent", "tenant");

  private SecurityConfigs() {}

  static SecurityConfig fromTree(YamlTree t) {
    t.rejectUnknown(KEYS);
    List<ApiKey> keys = new ArrayList<>();
    for (YamlTree k : t.children("keys")) {
      k.rejectUnknown(KEY_FIELDS);
      Set<Scope> scopes = EnumSet.noneOf(Scope.class);
      for (String s : k.strings("scopes")) {
        scopes.add(ConfigException.under("", () -> Scope.parse(k.key("scopes"), s)));
      }
      String at = k.key("").replaceAll("\\.$", "");
      String name = SecurityConfig.checkName(at, k.string("name"));
      String tenant = k.string("tenant", name);
      SecurityConfig.checkTenant(at, tenant);
      String sha256 = k.string("sha256");
      double rate = k.number("rate_per_second", SecurityConfig.DEFAULT_RATE_PER_SECOND);
      int burst = k.integer("burst", SecurityConfig.DEFAULT_BURST);
      int maxConcurrent = k.integer("max_concurrent", SecurityConfig.DEFAULT_KEY_CONCURRENCY);
      // after the reads, so a value of the wrong type is still reported before a malformed hash
      ApiKey key =
          new ApiKey(
              name,
              SecurityConfig.checkSha256(at, sha256),
              scopes,
              rate,
              burst,
              maxConcurrent,
              tenant);
      SecurityConfig.check(at, key);
      keys.add(key);
    }
    return new SecurityConfig(keys);
  }
}
