package io.nyx.app;

import io.nyx.config.DbConfig;
import io.nyx.config.NyxConfig;
import io.nyx.persistence.Database;

/** Embedded PostgreSQL under the data dir, or the external one named by {@code db.url}. */
public final class Databases {
  private Databases() {}

  public static Database open(NyxConfig config) {
    DbConfig db = config.db();
    if (db.embedded()) {
      return Database.embedded(config.dataDir());
    }
    return Database.external(
        db.url(),
        db.user().isEmpty() ? null : db.user(),
        db.password().isEmpty() ? null : db.password());
  }
}
