package io.nyx.cli;

import io.nyx.app.Nyx;
import io.nyx.config.ConfigLoader;
import io.nyx.config.NyxConfig;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** {@code nyx serve}: runs until SIGINT/SIGTERM, then closes everything it started. */
final class ServeCommand implements Command {
  static final Set<String> VALUED =
      Set.of("port", "host", "llm-url", "db-url", "data-dir", "config");

  @Override
  public String name() {
    return "serve";
  }

  @Override
  public String usage() {
    return """
        Usage: nyx serve [options]

          --port N          HTTP port (env NYX_PORT, default 8080; 0 = any free port)
          --host ADDR       listen address (env NYX_HOST, default 127.0.0.1)
          --llm-url URL     OpenAI-compatible model server (env NYX_LLM_URL, default http://localhost:8000/v1)
          --db-url URL      external PostgreSQL, jdbc:postgresql://... (env NYX_DB_URL; default: embedded)
          --data-dir DIR    data directory for the embedded database (env NYX_DATA_DIR, default ~/.nyx)
          --config FILE     YAML configuration (env NYX_CONFIG)

        Precedence: flag > environment > config file > default.
        """;
  }

  @Override
  public int run(
      List<String> argv,
      InputStream in,
      PrintStream out,
      PrintStream err,
      Map<String, String> env) {
    Args args = Args.parse(argv, VALUED, Set.of());
    if (!args.positionals().isEmpty()) {
      throw new UsageException("unexpected argument " + args.positionals().getFirst());
    }
    NyxConfig config = ConfigLoader.load(args.flags(), env);
    long start = System.nanoTime();
    Nyx nyx = Nyx.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  nyx.close();
                  stopped.countDown();
                }));
    out.printf(
        "Nyx listening on http://%s:%d (started in %d ms)%n  database: %s%n  model server: %s%n",
        config.server().host(),
        nyx.port(),
        (System.nanoTime() - start) / 1_000_000,
        nyx.database().jdbcUrl()
            + (config.db().embedded() ? " (embedded, data in " + config.dataDir() + ")" : ""),
        config.llm().baseUrl());
    out.println(
        nyx.keysRequired()
            ? "  API keys: required (Authorization: Bearer <key>)"
            : "  API keys: none exist, so Nyx listens on loopback only and asks for no key");
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
