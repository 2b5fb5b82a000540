package io.nyx.persistence;

import java.util.regex.Pattern;

/**
 * The least-privileged PostgreSQL role Nyx's connection pool runs as: it may read and write the nyx
 * tables and call the nyx functions, but not create, alter, drop or truncate anything. The owner
 * that runs the migrations grants it exactly that ({@code db/app-grants.sql}) at each start.
 *
 * @param user a plain lower-case identifier, so it can be quoted into GRANT statements (role names
 *     cannot be bind parameters)
 * @param password empty when the server does not ask for one
 */
public record AppRole(String user, String password) {
  /** The role Nyx creates in its embedded PostgreSQL. */
  public static final String EMBEDDED_USER = "nyx_app";

  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  public AppRole {
    if (!valid(user)) {
      throw new IllegalArgumentException(
          "role name " + user + " is not a lower-case identifier [a-z_][a-z0-9_]{0,62}");
    }
  }

  public static boolean valid(String user) {
    return NAME.matcher(user).matches();
  }

  /** The name as a quoted SQL identifier; safe because {@link #valid} admits no quote. */
  public String quoted() {
    return '"' + user + '"';
  }

  @Override
  public String toString() {
    return "AppRole[" + user + "]"; // never the password
  }
}
