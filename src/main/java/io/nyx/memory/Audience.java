package io.nyx.memory;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Who is looking, and so which stored records they may see. Closed: either everyone's records (an
 * administrator), or one tenant's.
 */
public sealed interface Audience {
  /** Every record of every tenant: for administrators and local tools. */
  Everyone EVERYONE = new Everyone();

  /** True when a record owned by {@code owner} is visible to this audience. */
  boolean sees(Owner owner);

  /** True when this audience may change or delete a record owned by {@code owner}. */
  boolean owns(Owner owner);

  /** No restriction. */
  record Everyone() implements Audience {
    @Override
    public boolean sees(Owner owner) {
      return true;
    }

    @Override
    public boolean owns(Owner owner) {
      return true;
    }
  }

  /**
   * One tenant's view: its own records and those shared by anyone. A record narrowed to a session
   * is seen only from that session, unless {@code allSessions} (a tenant browsing its own memory).
   *
   * @param session the session asking; null for a request outside any session
   */
  record Tenant(String tenant, @Nullable String session, boolean allSessions) implements Audience {
    public Tenant {
      Objects.requireNonNull(tenant, "tenant");
    }

    /** What a request in {@code session} (null: none) recalls into its prompt. */
    public static Tenant recall(String tenant, @Nullable String session) {
      return new Tenant(tenant, session, false);
    }

    /** Everything a tenant holds, in every session, plus what others shared. */
    public static Tenant browse(String tenant) {
      return new Tenant(tenant, null, true);
    }

    @Override
    public boolean sees(Owner owner) {
      if (owner.shared()) {
        return true;
      }
      return owner.tenant().equals(tenant)
          && (allSessions || owner.session() == null || owner.session().equals(session));
    }

    @Override
    public boolean owns(Owner owner) {
      return owner.tenant().equals(tenant);
    }
  }
}
