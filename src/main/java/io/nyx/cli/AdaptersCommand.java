package io.nyx.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code nyx adapters list|register|canary|promote|rollback|retire}: the adapter registry through a
 * running server's admin API (the same verbs as {@code /adapters}), so it works beside a server and
 * on any replica. Exit code 1 when the server refuses, with its message.
 */
final class AdaptersCommand implements Command {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> VERBS = Set.of("canary", "promote", "rollback", "retire");

  @Override
  public String name() {
    return "adapters";
  }

  @Override
  public String usage() {
    return """
        Usage: nyx adapters <verb> [options]

          list                                   every version: state, share, answers, reward
          register --specialist S --version N --path DIR
                                                 register a candidate (its directory is checked)
          canary NAME [--share 0.2]              load it, check it, give it a share of traffic
          promote NAME                           make it the active version now
          rollback NAME                          fail a canary; take an active version out
          retire NAME                            unload a version no longer wanted

          --reason TEXT      recorded with the transition (canary, promote, rollback, retire)
          --json             print the server's JSON
          --url URL          server (default: $NYX_URL, else http://127.0.0.1:$NYX_PORT, port 8080)
          --key KEY          an admin API key (default: $NYX_API_KEY)

        NAME is the served name, e.g. mnemosyne-v2 (see 'nyx adapters list').
        """;
  }

  @Override
  public int run(
      List<String> argv,
      InputStream in,
      PrintStream out,
      PrintStream err,
      Map<String, String> env) {
    Args args =
        Args.parse(
            argv,
            Set.of("url", "key", "specialist", "version", "path", "share", "reason"),
            Set.of("json"));
    if (args.positionals().isEmpty()) {
      throw new UsageException(
          "expected a verb: list, register, canary, promote, rollback, retire");
    }
    String verb = args.positionals().getFirst();
    String url = AskCommand.url(args, env);
    String key = args.has("key") ? args.flags().get("key") : env.get("NYX_API_KEY");
    HttpResponse<String> response =
        switch (verb) {
          case "list" -> {
            expect(args, 1, "list takes no name");
            yield ServerCalls.send(url + "/adapters", null, key);
          }
          case "register" -> {
            expect(args, 1, "register takes --specialist, --version and --path, no name");
            yield ServerCalls.send(url + "/adapters", registration(args), key);
          }
          default -> {
            if (!VERBS.contains(verb)) {
              throw new UsageException("unknown verb '" + verb + "'");
            }
            expect(args, 2, verb + " takes one adapter name, e.g. mnemosyne-v2");
            yield ServerCalls.send(
                url + "/adapters/" + args.positionals().get(1) + "/" + verb,
                verbBody(verb, args),
                key);
          }
        };
    return print(verb, response, args.has("json"), out, err);
  }

  private static void expect(Args args, int positionals, String message) {
    if (args.positionals().size() != positionals) {
      throw new UsageException(message);
    }
  }

  private static ObjectNode registration(Args args) {
    for (String flag : List.of("specialist", "version", "path")) {
      if (!args.has(flag)) {
        throw new UsageException("register needs --" + flag);
      }
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("specialist", args.flags().get("specialist"));
    try {
      body.put("version", Integer.parseInt(args.flags().get("version")));
    } catch (NumberFormatException e) {
      throw new UsageException(
          "--version must be an integer but was \"" + args.flags().get("version") + "\"");
    }
    body.put("path", args.flags().get("path"));
    return body;
  }

  private static ObjectNode verbBody(String verb, Args args) {
    ObjectNode body = JSON.createObjectNode();
    if (args.has("share")) {
      if (!verb.equals("canary")) {
        throw new UsageException("--share applies to canary only");
      }
      try {
        body.put("share", Double.parseDouble(args.flags().get("share")));
      } catch (NumberFormatException e) {
        throw new UsageException(
            "--share must be a number in (0, 1) but was \"" + args.flags().get("share") + "\"");
      }
    }
    if (args.has("reason")) {
      body.put("reason", args.flags().get("reason"));
    }
    return body;
  }

  private static int print(
      String verb, HttpResponse<String> r, boolean raw, PrintStream out, PrintStream err) {
    JsonNode json = ServerCalls.parse(r.body());
    if (r.statusCode() / 100 != 2) {
      err.println(
          "nyx adapters "
              + verb
              + ": "
              + r.statusCode()
              + " "
              + json.path("error").path("message").asText(r.body()));
      return 1;
    }
    if (raw) {
      out.println(r.body());
    } else if (verb.equals("list")) {
      table(json.path("adapters"), out);
    } else {
      line(json, out);
      if (!json.path("reason").asText().isEmpty()) {
        out.println("  " + json.path("reason").asText());
      }
    }
    return 0;
  }

  private static void table(JsonNode adapters, PrintStream out) {
    out.printf(
        Locale.ROOT,
        "%-22s %-10s %5s %8s %8s %7s  %s%n",
        "NAME",
        "STATE",
        "SHARE",
        "ANSWERS",
        "REWARD",
        "ERRORS",
        "REASON");
    for (JsonNode a : adapters) {
      line(a, out);
    }
  }

  private static void line(JsonNode a, PrintStream out) {
    out.printf(
        Locale.ROOT,
        "%-22s %-10s %5.2f %8d %+8.3f %6.1f%%  %s%n",
        a.path("name").asText(),
        a.path("state").asText(),
        a.path("share").asDouble(),
        a.path("samples").asLong(),
        a.path("reward_mean").asDouble(),
        100 * a.path("error_rate").asDouble(),
        a.path("reason").asText());
  }
}
