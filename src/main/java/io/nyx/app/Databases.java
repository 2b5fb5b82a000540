package io.nyx.app;

import io.nyx.config.DbConfig;
import io.nyx.config.NyxConfig;
import io.nyx.persistence.AppRole;
import io.nyx.persistence.Database;
import io.nyx.persistence.embedded.RunningPostgres;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Embedded PostgreSQL under the data dir (served as {@code nyx_app}), or the external one named by
 * {@code db.url} (served as {@code db.app_user} when set, else as {@code db.user}).
 */
public final class Databases {
  private Databases() {}

  /**
   * The database for a command that works on Nyx's data without serving ({@code keys}, {@code
   * memory import}, {@code export}, ...). With the embedded database, when a server runs on the
   * same data dir it holds that database, so the command connects to it where it listens ({@code
   * notice} is told so); otherwise it opens the database as {@link #open} does.
   */
  public static Database openForCommand(NyxConfig config, Consumer<String> notice) {
    if (config.db().embedded()) {
      Optional<RunningPostgres> running = RunningPostgres.of(config.dataDir());
      if (running.isPresent()) {
        notice.accept(
            "using the database of the Nyx server running on "
                + config.dataDir()
                + " (PostgreSQL on port "
                + running.get().port()
                + ")");
        return Database.besideServer(config.dataDir(), running.get());
      }
    }
    return open(config);
  }

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
