package io.nyx.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** {@code nyx ask "question"}: one request through a running server, printed for a person. */
final class AskCommand implements Command {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return "ask";
  }

  @Override
  public String usage() {
    return """
        Usage: nyx ask [options] "question"

          --url URL          server to ask (default: $NYX_URL, else http://127.0.0.1:$NYX_PORT, port 8080)
          --specialist NAME  skip routing and ask this specialist
          --session ID       session id recorded with the query
          --max-tokens N     cap the answer length
          --json             print the raw JSON response
          --rate R           then rate the answer, R in [-1,1] (+1 thumbs up, -1 thumbs down)
          --key KEY          API key (default: $NYX_API_KEY)
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
            Set.of("url", "specialist", "session", "max-tokens", "rate", "key"),
            Set.of("json"));
    Double rating = args.has("rate") ? rating(args.value("rate")) : null;
    String key = args.has("key") ? args.flags().get("key") : env.get("NYX_API_KEY");
    if (args.positionals().size() != 1 || args.positionals().getFirst().isBlank()) {
      throw new UsageException("expected exactly one question");
    }
    ObjectNode body = JSON.createObjectNode().put("query", args.positionals().getFirst());
    if (args.has("specialist")) {
      body.put("specialist", args.flags().get("specialist"));
    }
    if (args.has("session")) {
      body.put("session_id", args.flags().get("session"));
    }
    if (args.has("max-tokens")) {
      body.put("max_tokens", parseInt(args.value("max-tokens")));
    }
    String url = url(args, env);
    HttpResponse<String> response = ServerCalls.send(url + "/infer", body, key);
    JsonNode json = ServerCalls.parse(response.body());
    if (args.has("json")) {
      out.println(response.body());
    } else if (response.statusCode() == 200) {
      print(json, out);
    }
    if (response.statusCode() != 200) {
      err.println(
          "nyx ask: "
              + response.statusCode()
              + " "
              + json.path("error").path("message").asText(response.body()));
      return 1;
    }
    return rating == null ? 0 : rate(url, key, json.path("id").asText(), rating, out, err);
  }

  /** Posts the thumbs for the answer just printed, so the specialist's trait weight learns. */
  private static int rate(
      String url,
      @Nullable String key,
      String id,
      double rating,
      PrintStream out,
      PrintStream err) {
    ObjectNode fb = JSON.createObjectNode().put("query_id", id).put("rating", rating);
    HttpResponse<String> r = ServerCalls.send(url + "/feedback", fb, key);
    JsonNode j = ServerCalls.parse(r.body());
    if (r.statusCode() == 202) {
      out.printf(
          "rated %+.1f: queued (the server's database is away; applied when back)%n", rating);
      return 0;
    }
    if (r.statusCode() != 200) {
      err.println(
          "nyx ask: feedback failed: "
              + r.statusCode()
              + " "
              + j.path("error").path("message").asText(r.body()));
      return 1;
    }
    out.printf(
        "rated %+.1f: reward now %+.2f%s%n",
        rating,
        j.path("reward").asDouble(),
        j.path("trait").isObject()
            ? String.format(
                ", %s weight %.3f", j.at("/trait/name").asText(), j.at("/trait/weight").asDouble())
            : "");
    return 0;
  }

  private static double rating(String v) {
    String s = v.strip();
    double d;
    try {
      d = Double.parseDouble(s.startsWith("+") ? s.substring(1) : s);
    } catch (NumberFormatException e) {
      throw new UsageException(
          "--rate must be a number in [-1,1] (e.g. +1, -1, 0.5) but was \"" + v + "\"");
    }
    if (!(d >= -1 && d <= 1)) {
      throw new UsageException("--rate must be in [-1,1] but was " + v);
    }
    return d;
  }

  static String url(Args args, Map<String, String> env) {
    if (args.has("url")) {
      return strip(args.value("url"));
    }
    if (env.containsKey("NYX_URL")) {
      return strip(env.get("NYX_URL"));
    }
    return "http://127.0.0.1:" + env.getOrDefault("NYX_PORT", "8080");
  }

  private static String strip(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static int parseInt(String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new UsageException("--max-tokens must be an integer but was \"" + v + "\"");
    }
  }

  static void print(JsonNode r, PrintStream out) {
    JsonNode route = r.path("route");
    String specialist =
        r.path("specialist").isNull() ? "base model" : r.path("specialist").asText();
    out.printf(
        "specialist: %s (routed by %s, route confidence %.2f)%n",
        specialist, route.path("method").asText(), route.path("confidence").asDouble());
    out.printf(
        "confidence: %.2f   reward: %+.2f   latency: %d ms   id: %s%n",
        r.path("confidence").asDouble(),
        r.path("reward").asDouble(),
        r.path("latency_ms").asLong(),
        r.path("id").asText());
    out.println("scores: " + scores(route.path("scores")));
    if (route.has("abstain_reason")) {
      out.println("abstained: " + route.path("abstain_reason").asText());
    }
    out.println();
    out.println(r.path("answer").asText());
  }

  private static String scores(JsonNode scores) {
    StringBuilder sb = new StringBuilder();
    for (Iterator<Map.Entry<String, JsonNode>> it = scores.fields(); it.hasNext(); ) {
      var e = it.next();
      sb.append(sb.isEmpty() ? "" : ", ")
          .append(String.format("%s %.2f", e.getKey(), e.getValue().asDouble()));
    }
    return sb.toString();
  }
}
