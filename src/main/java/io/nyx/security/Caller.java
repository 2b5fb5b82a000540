package io.nyx.security;

import io.nyx.memory.Audience;
import io.nyx.memory.Owner;
import org.jspecify.annotations.Nullable;

/**
 * Who sent a request, as admission established it: the tenant whose records it may read and write,
 * the key it used (null on a loopback server without keys) and whether that key may administer (and
 * so see every tenant's records).
 */
public record Caller(String tenant, @Nullable String keyName, boolean admin) {
  /** A loopback server without keys: its one local user, who may do everything. */
  public static final Caller LOCAL = new Caller(Owner.LOCAL, null, true);

  public static Caller of(ApiKey key) {
    return new Caller(key.tenant(), key.name(), key.allows(Scope.ADMIN));
  }

  /** The name feedback is filed under: the key's, or {@value Owner#LOCAL} without keys. */
  public String rater() {
    return keyName == null ? Owner.LOCAL : keyName;
  }

  /** What this caller may read: everything for an administrator, else its tenant's records. */
  public Audience reads() {
    return admin ? Audience.EVERYONE : Audience.Tenant.browse(tenant);
  }

  /** True when this caller may read or change a record of {@code recordTenant}. */
  public boolean mayAccess(String recordTenant) {
    return admin || tenant.equals(recordTenant);
  }
}
