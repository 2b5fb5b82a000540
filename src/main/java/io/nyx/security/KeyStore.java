package io.nyx.security;

import java.util.List;

/** API keys kept in the database. Thread-safe. */
public interface KeyStore {

  /** Stores a new key (by hash). Names are unique among keys that are not revoked. */
  void create(ApiKey key);

  /** Active (not revoked) keys. */
  List<ApiKey> active();

  /** Revokes the key with this name; false when there is no such active key. */
  boolean revoke(String name);
}
