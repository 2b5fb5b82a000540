package io.nyx.backend.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.nyx.backend.BackendException;
import io.nyx.backend.BackendSettings;
import io.nyx.tracing.Tracer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * JSON over HTTP/1.1 to one OpenAI-compatible server, with every wait bounded: the connect by
 * {@code connectTimeout}, a whole non-streaming exchange by one {@code readTimeout}, and each gap
 * of a stream by {@code readTimeout}. Failures leave as {@link BackendException}s (see {@link
 * UpstreamErrors}). Blocking calls run on the caller's thread, so virtual threads block cheaply.
 * Thread-safe; the one {@link HttpClient} pools connections across calls. With a tracer, each
 * request carries the current span's W3C trace context, so the server's own spans join the trace.
 */
final class HttpTransport {
  private final BackendSettings settings;
  private final HttpClient client;
  private final long readNanos;
  private final Tracer tracer;

  HttpTransport(BackendSettings settings) {
    this(settings, Tracer.OFF);
  }

  /** {@code tracer}: whose current span every request names as its parent ({@code traceparent}). */
  HttpTransport(BackendSettings settings, Tracer tracer) {
    this.settings = settings;
    this.tracer = tracer;
    this.readNanos = settings.readTimeout().toNanos();
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  String baseUrl() {
    return settings.baseUrl();
  }

  HttpRequest get(String path) {
    return start(path).header("Accept", "application/json").GET().build();
  }

  HttpRequest post(String path, JsonNode body, @Nullable String requestId, boolean stream) {
    HttpRequest.Builder b =
        start(path)
            .header("Content-Type", "application/json")
            .header("Accept", stream ? "text/event-stream" : "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(WireJson.bytes(body)));
    if (requestId != null && !requestId.isEmpty()) {
      b.header("X-Request-Id", requestId);
    }
    return b.build();
  }

  /** The body of a 2xx response; headers and body must arrive within one read timeout. */
  byte[] exchange(HttpRequest request, String model) throws BackendException {
    String url = request.uri().toString();
    long deadline = System.nanoTime() + readNanos;
    HttpResponse<InputStream> response = awaitHeaders(request, deadline);
    byte[] body = readAll(url, response.body(), deadline);
    if (response.statusCode() / 100 != 2) {
      throw UpstreamErrors.fromStatus(url, response.statusCode(), body, model);
    }
    return body;
  }

  /** A response whose status the caller judges itself (the runtime LoRA routes answer in text). */
  record Response(int status, byte[] body) {}

  /**
   * Status and body of any response within one read timeout; only transport failures throw (as
   * {@link UpstreamErrors#fromFailure} maps them).
   */
  Response send(HttpRequest request) throws BackendException {
    long deadline = System.nanoTime() + readNanos;
    HttpResponse<InputStream> response = awaitHeaders(request, deadline);
    return new Response(
        response.statusCode(), readAll(request.uri().toString(), response.body(), deadline));
  }

  /** Hands a 2xx body to {@code reader} line by line; error statuses are mapped as usual. */
  <T> T stream(HttpRequest request, String model, StreamReader<T> reader) throws BackendException {
    String url = request.uri().toString();
    HttpResponse<InputStream> response = awaitHeaders(request, System.nanoTime() + readNanos);
    InputStream in = response.body();
    if (response.statusCode() / 100 != 2) {
      byte[] body = readAll(url, in, System.nanoTime() + readNanos);
      throw UpstreamErrors.fromStatus(url, response.statusCode(), body, model);
    }
    try (ReadWatch watch = ReadWatch.idle(in, readNanos);
        BodyLines lines = new BodyLines(url, in, watch, settings.readTimeout().toMillis())) {
      return reader.read(lines);
    }
  }

  /** Consumes a streamed body. */
  @FunctionalInterface
  interface StreamReader<T> {
    T read(BodyLines lines) throws BackendException;
  }

  private HttpRequest.Builder start(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(settings.baseUrl() + path));
    if (settings.apiKey() != null) {
      b.header("Authorization", "Bearer " + settings.apiKey());
    }
    if (tracer.enabled()) {
      tracer.inject(b::header);
    }
    return b;
  }

  private HttpResponse<InputStream> awaitHeaders(HttpRequest request, long deadlineNanos)
      throws BackendException {
    String url = request.uri().toString();
    CompletableFuture<HttpResponse<InputStream>> pending =
        client.sendAsync(request, BodyHandlers.ofInputStream());
    try {
      return pending.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      abandon(pending);
      throw new BackendException.Timeout(url, "read", settings.readTimeout().toMillis(), false);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw UpstreamErrors.fromFailure(
          url, cause, settings.connectTimeout(), settings.readTimeout());
    } catch (InterruptedException e) {
      abandon(pending);
      Thread.currentThread().interrupt();
      throw new BackendException.Unreachable(url, e);
    }
  }

  /** Cancelling aborts the exchange; if the response won the race, its body must still close. */
  private static void abandon(CompletableFuture<HttpResponse<InputStream>> pending) {
    if (!pending.cancel(true)) {
      HttpResponse<InputStream> late = pending.getNow(null);
      if (late != null) {
        closeQuietly(late.body());
      }
    }
  }

  private byte[] readAll(String url, InputStream in, long deadlineNanos) throws BackendException {
    ReadWatch watch = ReadWatch.until(in, deadlineNanos);
    try (in;
        watch) {
      byte[] bytes = in.readAllBytes();
      if (watch.expired()) {
        throw timeout(url, false);
      }
      return bytes;
    } catch (IOException e) {
      throw bodyFailure(url, e, watch.expired(), false);
    }
  }

  private BackendException timeout(String url, boolean afterFirstByte) {
    return new BackendException.Timeout(
        url, "read", settings.readTimeout().toMillis(), afterFirstByte);
  }

  private BackendException bodyFailure(
      String url, IOException e, boolean expired, boolean afterFirstByte) {
    if (expired) {
      return timeout(url, afterFirstByte);
    }
    if (Thread.currentThread().isInterrupted()) {
      // The JDK's body stream re-sets the flag and wraps the InterruptedException; keep both.
      return new BackendException.Unreachable(url, e);
    }
    return new BackendException.Malformed(
        url, "the response body broke off: " + e, afterFirstByte, e);
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // Abandoned response: nothing left to report.
    }
  }
}
