package io.nyx.persistence;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Runs {@code db/app-grants.sql} as the schema owner for an {@link AppRole}: the serving role gets
 * DML on the tables and EXECUTE on the functions, nothing else. Re-run at every start, so tables
 * added by a later migration are covered.
 */
final class AppGrants {
  static final String RESOURCE = "db/app-grants.sql";
  private static final String PLACEHOLDER = "${app_user}";

  private AppGrants() {}

  static void apply(DataSource owner, AppRole app, String shownUrl) {
    try (Connection c = owner.getConnection();
        Statement s = c.createStatement()) {
      for (String sql : statements(app)) {
        s.execute(sql); // GRANT takes no bind parameters; the role name is a validated identifier
      }
    } catch (SQLException e) {
      throw new StoreException("grants to role " + app.user() + " in " + shownUrl, e);
    }
  }

  /** The script's statements with the quoted role name in place of the placeholder. */
  static List<String> statements(AppRole app) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script().split("\n", -1)) {
      if (line.startsWith("--") || (line.isBlank() && current.isEmpty())) {
        continue;
      }
      current.append(line).append('\n');
      // A statement ends at a line ending in ';' outside a $$-quoted body (the DO block).
      if (line.strip().endsWith(";") && dollarQuotesBalanced(current)) {
        out.add(current.toString().strip().replace(PLACEHOLDER, app.quoted()));
        current.setLength(0);
      }
    }
    return out;
  }

  private static boolean dollarQuotesBalanced(CharSequence sql) {
    return sql.toString().split("\\$\\$", -1).length % 2 == 1;
  }

  private static String script() {
    try (InputStream in = AppGrants.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + RESOURCE, e);
    }
  }
}
