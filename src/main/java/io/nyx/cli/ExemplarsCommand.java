package io.nyx.cli;

import io.nyx.config.ConfigLoader;
import io.nyx.persistence.Database;
import io.nyx.persistence.jdbc.JdbcLearnedExemplarStore;
import io.nyx.routing.LearnedExemplar;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code nyx exemplars list | remove ID}: the learned route exemplars in the database, with their
 * provenance; a removal reaches every replica at its next refresh. Exemplars configured in the
 * specialists file are not here and cannot be removed this way.
 */
final class ExemplarsCommand implements Command {
  @Override
  public String name() {
    return "exemplars";
  }

  @Override
  public String usage() {
    return """
        Usage: nyx exemplars list [options]
               nyx exemplars remove ID [options]

          Learned route exemplars (from good feedback and "route_to" corrections), one a line:
          id, route, source, query id, rater, time, text.
        """
        + DatabaseFlags.USAGE;
  }

  @Override
  public int run(
      List<String> argv,
      InputStream in,
      PrintStream out,
      PrintStream err,
      Map<String, String> env) {
    Args args = Args.parse(argv, Set.of("db-url", "data-dir", "config"), Set.of());
    List<String> p = args.positionals();
    boolean list = p.size() == 1 && p.getFirst().equals("list");
    boolean remove = p.size() == 2 && p.getFirst().equals("remove");
    if (!list && !remove) {
      throw new UsageException("expected: exemplars list, or exemplars remove ID");
    }
    long id = remove ? id(p.get(1)) : 0;
    try (Database db =
        DatabaseFlags.open(ConfigLoader.load(DatabaseFlags.of(args), env), "exemplars", err)) {
      JdbcLearnedExemplarStore store = new JdbcLearnedExemplarStore(db.dataSource());
      if (list) {
        List<LearnedExemplar> all = store.all();
        if (all.isEmpty()) {
          // On stderr, as keys list does: stdout stays one exemplar per line for pipes.
          err.println(
              "no learned exemplars yet: good ratings and POST /feedback with route_to teach them");
        }
        all.forEach(e -> out.println(line(e)));
        return 0;
      }
      if (!store.remove(id)) {
        err.println("nyx exemplars: no learned exemplar " + id);
        return 1;
      }
      out.println("removed learned exemplar " + id);
      return 0;
    }
  }

  static String line(LearnedExemplar e) {
    return String.join(
        "\t",
        String.valueOf(e.id()),
        e.route(),
        e.source().label(),
        e.queryId() == null ? "-" : e.queryId().toString(),
        e.rater(),
        e.createdAt().toString(),
        e.text());
  }

  private static long id(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new UsageException("ID must be a number but was " + s);
    }
  }
}
