package io.nyx.persistence.embedded;

import static io.nyx.testing.Waits.pause;

import io.nyx.persistence.Database;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Run in a child JVM by {@link EmbeddedDatabaseTest}: starts Nyx's embedded PostgreSQL in the
 * directory given as the argument, says READY and waits to be killed, like a Nyx process that dies
 * with kill -9 and leaves its postmaster behind.
 */
public final class EmbeddedChild {
  private EmbeddedChild() {}

  public static void main(String[] args) {
    Database db = Database.embedded(Path.of(args[0]));
    System.out.println("READY " + db.jdbcUrl());
    System.out.flush();
    pause(Duration.ofMinutes(2), "a live Nyx process: the test kills this JVM long before");
    db.close();
  }
}
