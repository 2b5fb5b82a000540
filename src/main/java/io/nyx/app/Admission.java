package io.nyx.app;

import io.nyx.config.ConfigException;
import io.nyx.config.NyxConfig;
import io.nyx.persistence.Database;
import io.nyx.persistence.jdbc.JdbcKeyStore;
import io.nyx.security.Guard;
import io.nyx.security.KeyRegistry;
import java.time.Duration;
import java.time.InstantSource;

/**
 * Builds the admission guard and enforces the binding rule: without any API key Nyx serves loopback
 * only; binding another address requires keys (in the config or the database). Checked here at
 * start, so a misconfiguration fails loudly, and by the guard at every request, so a key revoked
 * later cannot open the server.
 */
final class Admission {
  /** How soon a key created or revoked on another replica takes effect here. */
  static final Duration KEY_REFRESH = Duration.ofSeconds(5);

  private Admission() {}

  static Guard guard(NyxConfig config, Database db, InstantSource clock) {
    KeyRegistry keys =
        new KeyRegistry(
            config.security().keys(), new JdbcKeyStore(db.dataSource()), clock, KEY_REFRESH);
    boolean loopback = config.server().loopback();
    if (!loopback && !keys.enabled()) {
      throw new ConfigException(
          "server.host",
          config.server().host(),
          "a loopback address (127.0.0.1, ::1, localhost) while no API key exists; create one with"
              + " './nyx keys create --name NAME --scopes infer,feedback' or list keys under"
              + " security.keys");
    }
    Guard.Reach reach = loopback ? Guard.Reach.LOOPBACK : Guard.Reach.NETWORK;
    return new Guard(keys, reach, config.server().maxConcurrent(), System::nanoTime);
  }
}
