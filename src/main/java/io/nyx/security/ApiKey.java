package io.nyx.security;

import io.nyx.memory.Owner;
import java.util.Set;

/**
 * One API key as Nyx keeps it: only the SHA-256 of the secret (keys are 256-bit random, so a fast
 * hash is enough; there is nothing to brute-force), its scopes, limits and tenant.
 *
 * @param ratePerSecond sustained requests per second (token bucket refill)
 * @param burst bucket size, requests that may arrive at once
 * @param maxConcurrent requests of this key in flight at once
 * @param tenant whose records the key reads and writes; keys of one tenant share them
 */
public record ApiKey(
    String name,
    String sha256,
    Set<Scope> scopes,
    double ratePerSecond,
    int burst,
    int maxConcurrent,
    String tenant) {

  public ApiKey {
    scopes = Set.copyOf(scopes);
    if (!Owner.TENANT.matcher(tenant).matches()) {
      throw new IllegalArgumentException(
          "tenant must match " + Owner.TENANT.pattern() + " but was '" + tenant + "'");
    }
  }

  /** A key that is a tenant of its own (named after the key). */
  public ApiKey(
      String name,
      String sha256,
      Set<Scope> scopes,
      double ratePerSecond,
      int burst,
      int maxConcurrent) {
    this(name, sha256, scopes, ratePerSecond, burst, maxConcurrent, name);
  }

  public boolean allows(Scope needed) {
    return scopes.contains(Scope.ADMIN) || scopes.contains(needed);
  }
}
