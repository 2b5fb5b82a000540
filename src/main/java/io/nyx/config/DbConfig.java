package io.nyx.config;

import java.util.regex.Pattern;

/**
 * PostgreSQL ("phoebe"). An empty {@code url} means Nyx runs its own, embedded, under data_dir.
 * {@code user}/{@code password} own the schema and run the migrations; when {@code appUser} is set
 * the connection pool serves as that least-privileged role instead (the embedded database always
 * uses its own {@code nyx_app}).
 */
public record DbConfig(
    String url, String user, String password, String appUser, String appPassword) {
  private static final Pattern ROLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Pattern URL_USER =
      Pattern.compile("[?&](user|password)=", Pattern.CASE_INSENSITIVE);

  public DbConfig {
    url = url == null ? "" : url.strip();
    if (!url.isEmpty() && !url.startsWith("jdbc:postgresql:")) {
      throw new ConfigException("db.url", url, "empty (embedded) or a jdbc:postgresql: URL");
    }
    user = user == null ? "" : user;
    password = password == null ? "" : password;
    appUser = appUser == null ? "" : appUser.strip();
    appPassword = appPassword == null ? "" : appPassword;
    if (!appUser.isEmpty() && !ROLE.matcher(appUser).matches()) {
      throw new ConfigException(
          "db.app_user", appUser, "a lower-case role name matching [a-z_][a-z0-9_]{0,62}");
    }
    if (!appUser.isEmpty() && url.isEmpty()) {
      throw new ConfigException(
          "db.app_user", "applies to an external db.url only; the embedded database uses nyx_app");
    }
    if (!appUser.isEmpty() && URL_USER.matcher(url).find()) {
      throw new ConfigException(
          "db.url",
          "must not carry user= or password= when db.app_user is set (the URL would override"
              + " the role): use db.user/db.password for the owner");
    }
  }

  public DbConfig(String url, String user, String password) {
    this(url, user, password, "", "");
  }

  public boolean embedded() {
    return url.isEmpty();
  }
}
