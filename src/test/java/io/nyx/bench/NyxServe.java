package io.nyx.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code nyx serve} as deployed, for the load tools: started through the {@code nyx} launcher (its
 * JVM flags and default heap; it {@code exec}s the JVM, so the process is the server's), the built
 * jar in a process of its own.
 */
final class NyxServe {
  private NyxServe() {}

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * Starts {@code nyx serve} on {@code port} with its data dir in {@code work/nyx}, its output in
   * {@code work/nyx.log}.
   *
   * @param jvmOptions added to {@code NYX_JAVA_OPTS} (diagnostics)
   * @param serveArgs added after {@code --port --llm-url --data-dir} (e.g. {@code --config})
   * @param env added to the environment (e.g. {@code NYX_DB_URL}: ps shows arguments to every local
   *     user, the environment only to the same user)
   */
  static Process start(
      Path work,
      int port,
      String llmUrl,
      List<String> jvmOptions,
      List<String> serveArgs,
      Map<String, String> env)
      throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "./nyx",
                "serve",
                "--port",
                String.valueOf(port),
                "--llm-url",
                llmUrl,
                "--data-dir",
                work.resolve("nyx").toString()));
    cmd.addAll(serveArgs);
    ProcessBuilder nyx =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("nyx.log").toFile());
    nyx.environment().putAll(env);
    // after the caller's own NYX_JAVA_OPTS, as the launcher takes them
    String opts =
        (System.getenv().getOrDefault("NYX_JAVA_OPTS", "") + " " + String.join(" ", jvmOptions))
            .trim();
    nyx.environment().put("NYX_JAVA_OPTS", opts);
    return nyx.start();
  }

  /** Waits until {@code /ready} answers 200, at most {@code seconds}. */
  static void awaitReady(int port, Process nyx, int seconds) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
            .timeout(java.time.Duration.ofSeconds(2))
            .build();
    for (int i = 0; i < seconds * 4; i++) {
      if (!nyx.isAlive()) {
        throw new IllegalStateException("nyx serve exited with " + nyx.exitValue());
      }
      try {
        if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("nyx serve not ready after " + seconds + " s");
  }
}
