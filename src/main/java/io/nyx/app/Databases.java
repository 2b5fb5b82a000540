package io.nyx.app;

import io.nyx.config.DbConfig;
import io.nyx.config.NyxConfig;
import io.nyx.persistence.AppRole;
import io.nyx.persistence.Database;

/**
 * Embedded PostgreSQL under the data dir (served as {@code nyx_app}), or the external one named by
 * {@code db.url} (served as {@code db.app_user} when set, else as {@code db.user}).
 */
public final class Databases {
  private Databases() {}

  public static Database open(NyxConfig config) {
    DbConfig db = config.db();
    if (db.embedded()) {
      return Database.embedded(config.dataDir());
    }
    String owner = db.user().isEmpty() ? null : db.user();
    String ownerPassword = db.password().isEmpty() ? null : db.password();
    if (db.appUser().isEmpty()) {
      return Database.external(db.url(), owner, ownerPassword);
    }
    return Database.external(
        db.url(), owner, ownerPassword, new AppRole(db.appUser(), db.appPassword()));
  }
}
