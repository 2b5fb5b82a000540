package io.nyx.cli;

import io.nyx.app.Nyx;
import io.nyx.config.ConfigLoader;
import io.nyx.config.NyxConfig;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * {@code nyx serve}: starts Nyx, prints where it listens and what it uses, runs until SIGINT or
 * SIGTERM, then closes everything it started and says so.
 */
final class ServeCommand implements Command {
  static final Set<String> VALUED =
      Set.of("port", "host", "llm-url", "db-url", "data-dir", "config");

  /** Registers what must run when the process is asked to stop; tests call it themselves. */
  private final Consumer<Runnable> onExit;

  ServeCommand(Consumer<Runnable> onExit) {
    this.onExit = onExit;
  }

  /** The real process: SIGINT and SIGTERM run JVM shutdown hooks. */
  static void onExit(Runnable stop) {
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "nyx-shutdown"));
  }

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
          --data-dir DIR    data directory: embedded database, spools, caches (env NYX_DATA_DIR, default ~/.nyx)
          --config FILE     YAML configuration (env NYX_CONFIG; every setting: nyx.example.yaml)

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
    onExit.accept(
        () -> {
          out.println("Nyx stopping...");
          long stopping = System.nanoTime();
          try {
            nyx.close();
          } finally {
            out.printf(Locale.ROOT, "Nyx stopped (in %d ms)%n", millisSince(stopping));
            out.flush();
            stopped.countDown();
          }
        });
    out.print(banner(config, nyx, millisSince(start)));
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** What a person starting the server needs to see first: where it is and what it uses. */
  static String banner(NyxConfig config, Nyx nyx, long startMs) {
    String url = "http://" + hostForUrl(config.server().host()) + ":" + nyx.port();
    String database =
        config.db().embedded()
            ? "embedded PostgreSQL (" + config.dataDir().resolve("pg") + ")"
            : nyx.database().jdbcUrl();
    String keys =
        nyx.keysRequired()
            ? "required (Authorization: Bearer <key>; ./nyx keys create to add one)"
            : "none exist: listening on loopback only and asking for no key";
    return String.format(
        Locale.ROOT,
        """
        Nyx listening on %s (started in %d ms)
          model server: %s
          database:     %s
          data dir:     %s
          API keys:     %s
          try:          curl -s %s/infer -H 'Content-Type: application/json' -d '{"query":"hello"}'
        Stop with Ctrl-C.
        """,
        url,
        startMs,
        config.llm().baseUrl(),
        database,
        config.dataDir(),
        keys,
        url);
  }

  /** An IPv6 literal in brackets, as a URL needs it. */
  private static String hostForUrl(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
