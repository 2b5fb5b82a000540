package io.nyx.cli;

import io.nyx.config.ConfigException;
import io.nyx.config.ConfigLoader;
import io.nyx.config.NyxConfig;
import io.nyx.config.SecurityConfig;
import io.nyx.memory.Owner;
import io.nyx.persistence.Database;
import io.nyx.persistence.jdbc.JdbcKeyStore;
import io.nyx.security.ApiKey;
import io.nyx.security.KeySecrets;
import io.nyx.security.Scope;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code nyx keys create|list|revoke|hash}: API keys in the database (hashed at rest). */
final class KeysCommand implements Command {
  static final Set<String> VALUED =
      Set.of(
          "name",
          "scopes",
          "tenant",
          "rate",
          "burst",
          "max-concurrent",
          "db-url",
          "data-dir",
          "config");

  @Override
  public String name() {
    return "keys";
  }

  @Override
  public String usage() {
    return """
        Usage: nyx keys <action> [options]

          create --name NAME --scopes infer,feedback,admin [--tenant T] [--rate 50] [--burst 100] [--max-concurrent 32]
                     prints the new secret once; only its SHA-256 is stored. --tenant: whose
                     memories and exchanges the key reads and writes; keys of one tenant share
                     them (default: a tenant of its own, named like the key; records from before
                     tenants, and from a keyless loopback server, belong to tenant 'local')
          list       active keys: name, tenant, scopes, limits
          revoke NAME
          hash SECRET  prints the SHA-256 to put under security.keys[].sha256 in the YAML config

          --db-url URL / --data-dir DIR / --config FILE  the database, as for 'nyx serve'; with
                     the embedded one, a server running on the same data dir is used (keys take
                     effect there within 5 s)
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
    List<String> pos = args.positionals();
    if (pos.isEmpty()) {
      throw new UsageException("expected an action: create, list, revoke or hash");
    }
    if (pos.getFirst().equals("hash")) {
      if (pos.size() != 2) {
        throw new UsageException("hash takes exactly one SECRET");
      }
      out.println(KeySecrets.sha256(pos.get(1)));
      return 0;
    }
    NyxConfig config = ConfigLoader.load(args.flags(), env);
    try (Database db = DatabaseFlags.open(config, "keys", err)) {
      JdbcKeyStore store = new JdbcKeyStore(db.dataSource());
      return switch (pos.getFirst()) {
        case "create" -> create(args, store, out);
        case "list" -> list(store, out, err, config);
        case "revoke" -> revoke(pos, store, out, err);
        default -> throw new UsageException("unknown action '" + pos.getFirst() + "'");
      };
    }
  }

  private static int create(Args args, JdbcKeyStore store, PrintStream out) {
    String name = required(args, "name");
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (String s : required(args, "scopes").split(",")) {
      scopes.add(ConfigException.under("", () -> Scope.parse("--scopes", s)));
    }
    String tenant = args.flags().getOrDefault("tenant", name);
    if (!Owner.TENANT.matcher(tenant).matches()) {
      throw new UsageException(
          "--tenant must match " + Owner.TENANT.pattern() + " but was '" + tenant + "'");
    }
    String secret = new KeySecrets().newSecret();
    ApiKey key =
        new ApiKey(
            name,
            KeySecrets.sha256(secret),
            scopes,
            number(args, "rate", SecurityConfig.DEFAULT_RATE_PER_SECOND),
            (int) number(args, "burst", SecurityConfig.DEFAULT_BURST),
            (int) number(args, "max-concurrent", SecurityConfig.DEFAULT_KEY_CONCURRENCY),
            tenant);
    store.create(key);
    out.println(
        "created key '"
            + name
            + "' of tenant '"
            + tenant
            + "' with scopes "
            + Scope.labels(scopes));
    out.println("secret (shown once, keep it safe): " + secret);
    return 0;
  }

  private static int list(JdbcKeyStore store, PrintStream out, PrintStream err, NyxConfig config) {
    List<ApiKey> active = store.active();
    if (active.isEmpty()) {
      // On stderr: stdout stays one line per key for scripts.
      err.println(
          "no API keys in the database"
              + (config.security().keys().isEmpty()
                  ? " or the configuration, so Nyx serves loopback only and asks for no key"
                  : " (the configuration's security.keys has "
                      + config.security().keys().size()
                      + ")")
              + "; create one: ./nyx keys create --name NAME --scopes infer,feedback");
      return 0;
    }
    for (ApiKey k : active) {
      out.printf(
          "%-20s tenant=%s scopes=%s rate=%.1f/s burst=%d max_concurrent=%d%n",
          k.name(),
          k.tenant(),
          Scope.labels(k.scopes()),
          k.ratePerSecond(),
          k.burst(),
          k.maxConcurrent());
    }
    return 0;
  }

  private static int revoke(
      List<String> pos, JdbcKeyStore store, PrintStream out, PrintStream err) {
    if (pos.size() != 2) {
      throw new UsageException("revoke takes exactly one NAME");
    }
    if (!store.revoke(pos.get(1))) {
      err.println("nyx keys: no active key named '" + pos.get(1) + "'");
      return 1;
    }
    out.println("revoked key '" + pos.get(1) + "'");
    return 0;
  }

  private static String required(Args args, String flag) {
    String v = args.flags().get(flag);
    if (v == null || v.isBlank()) {
      throw new UsageException("--" + flag + " is required");
    }
    return v;
  }

  private static double number(Args args, String flag, double fallback) {
    String v = args.flags().get(flag);
    if (v == null) {
      return fallback;
    }
    try {
      double d = Double.parseDouble(v);
      if (!(d > 0)) {
        throw new UsageException("--" + flag + " must be positive but was " + v);
      }
      return d;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + flag + " must be a number but was \"" + v + "\"");
    }
  }
}
