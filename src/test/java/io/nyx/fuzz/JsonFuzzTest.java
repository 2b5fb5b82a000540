package io.nyx.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.testing.HttpTestClient;
import io.nyx.testing.NyxFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded property-based fuzz of every JSON endpoint: well-formed bodies whose known fields carry
 * random types and values, unknown fields, deep nesting, and raw garbage. The property: never a 5xx
 * (the fake vLLM is healthy, so a 5xx would be Nyx's own fault), never a hang (the client's 30 s
 * timeout fails the test).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JsonFuzzTest {
  static final int CASES_PER_ENDPOINT = 150;
  @TempDir static Path dataDir;
  NyxFixture fx;
  HttpTestClient http;

  /** An endpoint, its known fields, and a valid body that mutations start from. */
  record Endpoint(String method, String path, List<String> fields, String valid) {}

  static final List<Endpoint> ENDPOINTS =
      List.of(
          new Endpoint(
              "POST",
              "/infer",
              List.of("query", "session_id", "specialist", "max_tokens", "time_zone"),
              "{\"query\":\"plan my week\",\"specialist\":\"kairos\",\"max_tokens\":32}"),
          new Endpoint("POST", "/v1/route", List.of("query"), "{\"query\":\"remember my dog?\"}"),
          new Endpoint(
              "POST",
              "/v1/chat/completions",
              List.of(
                  "model",
                  "messages",
                  "stream",
                  "temperature",
                  "top_p",
                  "max_tokens",
                  "stream_options"),
              "{\"model\":\"nyx\",\"messages\":[{\"role\":\"user\",\"content\":\"what if I move?\"}]}"),
          new Endpoint(
              "POST",
              "/feedback",
              List.of("query_id", "rating", "comment"),
              "{\"query_id\":\"2d3f1c1e-0000-4000-8000-000000000000\",\"rating\":1}"),
          new Endpoint(
              "PUT",
              "/traits/kairos",
              List.of("weight", "reason", "nudge"),
              "{\"weight\":0.5,\"reason\":\"fuzz\"}"),
          new Endpoint(
              "POST",
              "/memory",
              List.of("text", "metadata", "session_id", "source"),
              "{\"text\":\"fuzz memory\"}"),
          new Endpoint(
              "POST",
              "/review/1",
              List.of("verdict", "rating", "note"),
              "{\"verdict\":\"safe\",\"rating\":1}"),
          new Endpoint(
              "POST", "/predictions/1/outcome", List.of("outcome"), "{\"outcome\":\"happened\"}"));

  @BeforeAll
  void start() {
    fx = NyxFixture.start(dataDir);
    http = fx.http();
  }

  @AfterAll
  void stop() {
    fx.close();
  }

  @Test
  void noInputMakesNyxFailOrHang() {
    SplittableRandom rnd = new SplittableRandom(20261127);
    List<String> failures = new ArrayList<>();
    for (Endpoint e : ENDPOINTS) {
      for (int i = 0; i < CASES_PER_ENDPOINT; i++) {
        String body =
            switch (i % 10) {
              case 9 -> garbage(rnd);
              case 0, 1, 2, 3 -> mutate(rnd, e);
              default -> object(rnd, e.fields());
            };
        HttpTestClient.Reply r =
            e.method().equals("PUT") ? http.put(e.path(), body) : http.post(e.path(), body);
        if (r.status() >= 500) {
          failures.add(
              e.method() + " " + e.path() + " " + r.status() + " <- " + body + " -> " + r.body());
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  /** The valid body with one known field set to a random value (or kept, one time in five). */
  private static String mutate(SplittableRandom rnd, Endpoint e) {
    if (rnd.nextInt(5) == 0) {
      return e.valid();
    }
    String field = e.fields().get(rnd.nextInt(e.fields().size()));
    String rest = e.valid().substring(1);
    return "{\"" + field + "\":" + value(rnd, 0) + (rest.equals("}") ? "}" : "," + rest);
  }

  private static String object(SplittableRandom rnd, List<String> fields) {
    StringBuilder sb = new StringBuilder("{");
    int n = rnd.nextInt(fields.size() + 2);
    for (int i = 0; i < n; i++) {
      String name =
          rnd.nextInt(8) == 0 ? "x" + rnd.nextInt(100) : fields.get(rnd.nextInt(fields.size()));
      sb.append(i == 0 ? "" : ",").append('"').append(name).append("\":").append(value(rnd, 0));
    }
    return sb.append('}').toString();
  }

  private static String value(SplittableRandom rnd, int depth) {
    return switch (rnd.nextInt(depth > 3 ? 7 : 10)) {
      case 0 -> "null";
      case 1 -> rnd.nextBoolean() ? "true" : "false";
      case 2 -> Long.toString(rnd.nextLong());
      case 3 -> Double.toString(rnd.nextDouble(-2, 2));
      case 4 -> "\"" + text(rnd) + "\"";
      case 5 ->
          "\""
              + List.of(
                      "nyx",
                      "nyx/kairos",
                      "kairos",
                      "user",
                      "harmful",
                      "happened",
                      "2d3f1c1e-0000-4000-8000-000000000000")
                  .get(rnd.nextInt(7))
              + "\"";
      case 6 -> rnd.nextBoolean() ? "1e308" : "-0";
      case 7 -> "[" + value(rnd, depth + 1) + "," + value(rnd, depth + 1) + "]";
      case 8 -> "[{\"role\":\"user\",\"content\":" + value(rnd, depth + 1) + "}]";
      default -> "{\"a\":" + value(rnd, depth + 1) + ",\"role\":\"user\",\"content\":\"hi\"}";
    };
  }

  private static String text(SplittableRandom rnd) {
    String alphabet = "ab c\\\\n\\\"é🙂<>/context{}";
    StringBuilder sb = new StringBuilder();
    int n = rnd.nextInt(40);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
    }
    String s = sb.toString();
    // keep the JSON string well-formed: no lone backslash or quote at the end
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static String garbage(SplittableRandom rnd) {
    return switch (rnd.nextInt(5)) {
      case 0 -> "";
      case 1 -> "{\"query\": ";
      case 2 -> "[".repeat(2000) + "]".repeat(2000);
      case 3 -> "{\"query\":\"a\",\"query\":\"b\"}";
      default -> "\u0000\u0001\u00ff not json";
    };
  }
}
