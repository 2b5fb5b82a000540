package io.nyx.config;

/** PostgreSQL ("phoebe"). An empty {@code url} means Nyx runs its own, embedded, under data_dir. */
public record DbConfig(String url, String user, String password) {
  public DbConfig {
    url = url == null ? "" : url.strip();
    if (!url.isEmpty() && !url.startsWith("jdbc:postgresql:")) {
      throw new ConfigException("db.url", url, "empty (embedded) or a jdbc:postgresql: URL");
    }
    user = user == null ? "" : user;
    password = password == null ? "" : password;
  }

  public boolean embedded() {
    return url.isEmpty();
  }
}
