package io.nyx.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every SQL text that reaches JDBC in {@code src/main/java} is a constant: string literals and
 * UPPER_CASE constants (themselves made of literals), never text built from a value. Values go in
 * as bind parameters, so no request, model answer or file content can become SQL. Followed through
 * variables and through helpers that take a {@code String sql} parameter (their call sites must
 * pass constants). Identifiers that SQL cannot bind are listed in {@link #ALLOWED} with the reason.
 *
 * <p>A source scan, not a parser: it errs towards complaining, and a complaint is fixed by making
 * the SQL a constant or, for an identifier, by an entry here that says why it is safe.
 */
class SqlParametersTest {
  static final Path SRC = Path.of("src/main/java");

  /** JDBC methods whose first argument is SQL text. */
  static final Pattern SINK =
      Pattern.compile(
          "\\.(prepareStatement|prepareCall|executeQuery|executeUpdate|executeLargeUpdate"
              + "|execute|addBatch)\\(");

  /** Non-constant SQL that is safe, by file and exact expression, with why. */
  static final Map<String, Map<String, String>> ALLOWED =
      Map.of(
          "EmbeddedPostgresServer.java",
          Map.of(
              "\"\" + role.quoted()",
              "CREATE ROLE: the name passed AppRole's [a-z_][a-z0-9_]* check and is quoted",
              "\"\" + role.quoted() + \"\" + LOGIN_ONLY",
              "ALTER ROLE: the same validated, quoted name; DDL takes no bind parameters"),
          "AppGrants.java",
          Map.of(
              "sql", "db/app-grants.sql from the classpath with the validated, quoted role name"));

  /** A constant expression once literals are blanked: "" pieces, UPPER_CASE names, + and (). */
  static final Pattern CONSTANT =
      Pattern.compile("\\s*(\"\"|[A-Z][A-Z0-9_]*(\\.[A-Z][A-Z0-9_]*)?|[+()\\s])+");

  static final Pattern IDENT = Pattern.compile("[a-z][A-Za-z0-9]*");
  static final Pattern LAMBDA = Pattern.compile("\\s*(\\(\\s*\\)|[a-z]\\w*)\\s*->");
  static final Pattern HELPER =
      Pattern.compile(
          "\\b([a-z]\\w*)\\s*\\(([^()]*\\bString sql\\b[^()]*)\\)\\s*(throws[^{]*)?\\{");

  record Source(Path path, String code) {
    String name() {
      return path.getFileName().toString();
    }
  }

  /**
   * A method taking SQL text as its {@code index}-th parameter, declared in class {@code owner}.
   */
  record Helper(String owner, String name, int index, int arity) {
    /** Unqualified calls in its own file, {@code Owner.name(} elsewhere. */
    Pattern calls(Source s) {
      String prefix = s.name().equals(owner + ".java") ? "[^\\w.]" : "\\b" + owner + "\\.";
      return Pattern.compile(prefix + name + "\\(");
    }
  }

  /** "Type name": a parameter of a declaration, not an argument. */
  static final Pattern DECLARED = Pattern.compile("[A-Za-z_][\\w.<>\\[\\]?, ]*\\s+[a-z]\\w*");

  @Test
  void everyStatementIsAConstantWithBindParameters() throws IOException {
    List<Source> sources = sources();
    List<Helper> helpers = helpers(sources);
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (Source s : sources) {
      Matcher m = SINK.matcher(s.code());
      while (m.find()) {
        List<String> args = args(s.code(), m.end() - 1);
        if (!args.isEmpty()) {
          checked++;
          check(s, args.get(0), problems);
        }
      }
      for (Helper h : helpers) {
        Matcher call = h.calls(s).matcher(s.code());
        while (call.find()) {
          List<String> args = args(s.code(), call.end() - 1);
          if (args.size() == h.arity() && !DECLARED.matcher(args.get(h.index())).matches()) {
            checked++;
            check(s, args.get(h.index()), problems);
          }
        }
      }
    }
    assertThat(helpers).extracting(Helper::name).contains("update", "query");
    assertThat(checked).as("SQL call sites found").isGreaterThan(40);
    assertThat(problems).as("SQL built from values instead of bind parameters").isEmpty();
  }

  @Test
  void theScanCatchesConcatenatedValues() {
    Source bad =
        new Source(
            Path.of("Bad.java"),
            blank(
                "class Bad { void f(Connection c, String name) {"
                    + " c.prepareStatement(\"SELECT * FROM t WHERE n = '\" + name + \"'\"); } }"));
    List<String> problems = new ArrayList<>();
    Matcher m = SINK.matcher(bad.code());
    assertThat(m.find()).isTrue();
    check(bad, args(bad.code(), m.end() - 1).get(0), problems);
    assertThat(problems).hasSize(1);
  }

  private static void check(Source s, String arg, List<String> problems) {
    if (CONSTANT.matcher(arg).matches() || LAMBDA.matcher(arg).lookingAt()) {
      return; // a lambda is an Executor's task, never SQL text
    }
    if (ALLOWED.getOrDefault(s.name(), Map.of()).containsKey(arg)) {
      return;
    }
    if (IDENT.matcher(arg).matches() && resolvesToConstant(s, arg)) {
      return;
    }
    problems.add(s.path() + ": " + arg);
  }

  /** A local assigned a constant, or a {@code String sql} parameter (its callers are checked). */
  private static boolean resolvesToConstant(Source s, String name) {
    Matcher local =
        Pattern.compile("\\b(String|var)\\s+" + name + "\\s*=([^;]*);").matcher(s.code());
    boolean any = false;
    while (local.find()) {
      any = true;
      if (!CONSTANT.matcher(local.group(2)).matches()) {
        return false;
      }
    }
    return any || (name.equals("sql") && s.code().contains("String sql"));
  }

  private static List<Helper> helpers(List<Source> sources) {
    List<Helper> out = new ArrayList<>();
    Set<String> keywords = Set.of("if", "for", "while", "switch", "catch", "try");
    for (Source s : sources) {
      Matcher m = HELPER.matcher(s.code());
      while (m.find()) {
        if (keywords.contains(m.group(1))) {
          continue;
        }
        List<String> params = split(m.group(2));
        for (int i = 0; i < params.size(); i++) {
          if (params.get(i).equals("String sql")) {
            String owner = s.name().replace(".java", "");
            out.add(new Helper(owner, m.group(1), i, params.size()));
          }
        }
      }
    }
    return out;
  }

  /** Arguments of the call whose '(' is at {@code open}, split at top-level commas. */
  static List<String> args(String code, int open) {
    int depth = 0;
    for (int i = open; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        String inner = code.substring(open + 1, i).strip();
        return inner.isEmpty() ? List.of() : split(inner);
      }
    }
    throw new IllegalStateException("unbalanced call at " + open);
  }

  private static List<String> split(String inner) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < inner.length(); i++) {
      char c = inner.charAt(i);
      if (c == '(' || c == '{' || c == '[' || c == '<') {
        depth++;
      } else if (c == ')' || c == '}' || c == ']' || c == '>') {
        depth--;
      } else if (c == ',' && depth == 0) {
        out.add(inner.substring(start, i).strip());
        start = i + 1;
      }
    }
    out.add(inner.substring(start).strip());
    return out;
  }

  private static List<Source> sources() throws IOException {
    try (Stream<Path> files = Files.walk(SRC)) {
      return files
          .filter(f -> f.toString().endsWith(".java"))
          .map(f -> new Source(f, blank(read(f))))
          .toList();
    }
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Comments removed and every string, text block and char literal emptied ({@code ""}), so
   * parentheses and commas inside SQL do not confuse the scan.
   */
  static String blank(String src) {
    StringBuilder out = new StringBuilder(src.length());
    int i = 0;
    while (i < src.length()) {
      if (src.startsWith("\"\"\"", i)) {
        i = src.indexOf("\"\"\"", i + 3) + 3;
        out.append("\"\"");
      } else if (src.charAt(i) == '"' || src.charAt(i) == '\'') {
        i = endOfLiteral(src, i);
        out.append("\"\"");
      } else if (src.startsWith("//", i)) {
        i = src.indexOf('\n', i);
      } else if (src.startsWith("/*", i)) {
        i = src.indexOf("*/", i) + 2;
      } else {
        out.append(src.charAt(i++));
      }
    }
    return out.toString();
  }

  private static int endOfLiteral(String src, int start) {
    char quote = src.charAt(start);
    int i = start + 1;
    while (src.charAt(i) != quote) {
      i += src.charAt(i) == '\\' ? 2 : 1;
    }
    return i + 1;
  }
}
