package io.nyx.persistence.jdbc;

import io.nyx.learning.TraitEvidence;
import io.nyx.persistence.Database;
import io.nyx.persistence.embedded.EmbeddedPostgresServer;
import java.time.Instant;

/**
 * Run in a child JVM by {@link TraitReplicasTest}: one replica process that connects to the shared
 * database and records {@code args[1]} observations of 0.75 successes in 1 trial for the trait
 * "shared", then prints DONE. It logs in as the superuser with the password in {@link
 * #PASSWORD_ENV}.
 */
public final class TraitWriterChild {
  static final String PASSWORD_ENV = "NYX_TEST_DB_PASSWORD";

  private TraitWriterChild() {}

  public static void main(String[] args) {
    String password = System.getenv(PASSWORD_ENV); // not an argument: ps shows those
    try (Database db = Database.external(args[0], EmbeddedPostgresServer.SUPERUSER, password)) {
      JdbcTraitStore store = new JdbcTraitStore(db.dataSource());
      int times = Integer.parseInt(args[1]);
      for (int i = 0; i < times; i++) {
        store.observe("shared", new TraitEvidence(0.75, 1), Instant.now(), "process", "");
      }
    }
    System.out.println("DONE");
  }
}
