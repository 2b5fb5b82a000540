package io.nyx.security;

import java.util.Set;

/**
 * One API key as Nyx keeps it: only the SHA-256 of the secret (keys are 256-bit random, so a fast
 * hash is enough; there is nothing to brute-force), its scopes and limits.
 *
 * @param ratePerSecond sustained requests per second (token bucket refill)
 * @param burst bucket size, requests that may arrive at once
 * @param maxConcurrent requests of this key in flight at once
 */
public record ApiKey(
    String name,
    String sha256,
    Set<Scope> scopes,
    double ratePerSecond,
    int burst,
    int maxConcurrent) {

  public ApiKey {
    scopes = Set.copyOf(scopes);
  }

  public boolean allows(Scope needed) {
    return scopes.contains(Scope.ADMIN) || scopes.contains(needed);
  }
}
