package io.nyx.memory;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Whose a stored vector is: a tenant's, optionally narrowed to one of its sessions, and shared with
 * every tenant when its owner said so. {@link Audience} decides who may see it.
 *
 * @param tenant the owning tenant, a name like {@code local} or {@code acme-support}
 * @param session null for a tenant-wide record; else only requests of that session recall it
 * @param shared true when the owner made it visible to every tenant
 */
public record Owner(String tenant, @Nullable String session, boolean shared) {
  /** The tenant of a loopback server without API keys, and of records from before tenants. */
  public static final String LOCAL = "local";

  /** What a tenant name may be: it appears in keys, URLs and metric labels. */
  public static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

  public Owner {
    if (!TENANT.matcher(tenant).matches()) {
      throw new IllegalArgumentException(
          "tenant must match " + TENANT.pattern() + " but was '" + tenant + "'");
    }
  }

  /** A tenant-wide, unshared record of {@code tenant}. */
  public static Owner of(String tenant) {
    return new Owner(tenant, null, false);
  }
}
