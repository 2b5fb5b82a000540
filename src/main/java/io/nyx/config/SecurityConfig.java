package io.nyx.config;

import io.nyx.memory.Owner;
import io.nyx.security.ApiKey;
import io.nyx.specialist.SpecialistConfig;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * API keys given in the configuration (by SHA-256 of the secret; more can live in the database) and
 * the default limits of a key.
 */
public record SecurityConfig(List<ApiKey> keys) {
  public static final double DEFAULT_RATE_PER_SECOND = 50;
  public static final int DEFAULT_BURST = 100;
  public static final int DEFAULT_KEY_CONCURRENCY = 32;

  public SecurityConfig {
    keys = List.copyOf(keys);
  }

  static String checkName(String at, @Nullable String name) {
    if (name == null || !SpecialistConfig.NAME.matcher(name).matches()) {
      throw new ConfigException(at + ".name", name, "matching " + SpecialistConfig.NAME.pattern());
    }
    return name;
  }

  static String checkSha256(String at, @Nullable String sha256) {
    if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
      throw new ConfigException(
          at + ".sha256", sha256, "64 lower-case hex digits (./nyx keys hash SECRET)");
    }
    return sha256;
  }

  static void checkTenant(String at, String tenant) {
    if (!Owner.TENANT.matcher(tenant).matches()) {
      throw new ConfigException(
          at + ".tenant", tenant, "matching " + Owner.TENANT.pattern() + " (default: the name)");
    }
  }

  static void check(String at, ApiKey k) {
    checkName(at, k.name());
    checkSha256(at, k.sha256());
    if (k.scopes().isEmpty()) {
      throw new ConfigException(at + ".scopes", "[]", "a non-empty list of infer, feedback, admin");
    }
    if (!(k.ratePerSecond() > 0 && k.ratePerSecond() <= 1e6)) {
      throw new ConfigException(at + ".rate_per_second", k.ratePerSecond(), "in (0, 1000000]");
    }
    if (k.burst() < 1 || k.burst() > 1_000_000) {
      throw new ConfigException(at + ".burst", k.burst(), "in [1, 1000000]");
    }
    if (k.maxConcurrent() < 1 || k.maxConcurrent() > 100_000) {
      throw new ConfigException(at + ".max_concurrent", k.maxConcurrent(), "in [1, 100000]");
    }
  }
}
