package io.nyx.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** The commands that talk to a running Nyx over its HTTP API ({@code ask}, {@code adapters}). */
final class ServerCalls {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ServerCalls() {}

  /**
   * GET {@code url} without a body, POST the JSON {@code body} otherwise; the key as a bearer token
   * when given. A server that cannot be reached is an error naming the URL.
   */
  static HttpResponse<String> send(String url, @Nullable ObjectNode body, @Nullable String key) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5));
      if (body == null) {
        request.GET();
      } else {
        request
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
      }
      if (key != null && !key.isBlank()) {
        request.header("Authorization", "Bearer " + key);
      }
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach Nyx at " + url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--url is not a valid URL: " + url);
    }
  }

  /** The answer's JSON, or an empty object when it is not JSON (the status then says enough). */
  static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }
}
