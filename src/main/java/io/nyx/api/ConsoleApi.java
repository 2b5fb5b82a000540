package io.nyx.api;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.nyx.pipeline.NyxException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The web console (docs/console.md): {@code GET /} is its page and {@code GET /console/{file}} its
 * ES modules and style sheet, all files in the jar ({@code io/nyx/console/}); {@code
 * /console/vendor/} serves uPlot from its webjar (Maven Central's repackaging of the npm package).
 *
 * <p>These files hold no data, so they are served without a key ({@link #open}); every call the
 * page then makes goes to the ordinary API with the key its user typed, through the same filters as
 * any client's. Each answer carries a Content-Security-Policy that allows scripts, styles and
 * connections from this origin only (no inline script or style, no eval) and forbids framing.
 */
final class ConsoleApi {
  static final String PREFIX = "/console/";

  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none';"
          + " form-action 'self'; frame-ancestors 'none'";

  private static final String ROOT = "io/nyx/console/";
  private static final String WEBJAR = "META-INF/resources/webjars/uplot/";
  private static final String WEBJAR_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";

  /** A console file: a flat name, no dots but the extension's, so no path leaves the folder. */
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,63}\\.(js|css|svg)");

  /** What the vendored library offers the page: its ES module and its style sheet. */
  private static final Map<String, String> VENDOR =
      Map.of("uPlot.esm.js", "dist/uPlot.esm.js", "uPlot.min.css", "dist/uPlot.min.css");

  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml");

  private record Asset(String type, byte[] bytes) {}

  private final ClassLoader loader;
  private final @Nullable String uplotVersion;

  ConsoleApi() {
    this(ConsoleApi.class.getClassLoader());
  }

  ConsoleApi(ClassLoader loader) {
    this.loader = loader;
    this.uplotVersion = uplotVersion(loader);
  }

  /** The console's files are open to anyone who may reach the server: they hold no data. */
  static boolean open(Method method, String path) {
    return method == Method.GET && (path.equals("/") || path.startsWith(PREFIX));
  }

  void index(ServerRequest req, ServerResponse res) {
    send(res, find(ROOT + "index.html", "html"), "/");
  }

  void file(ServerRequest req, ServerResponse res) {
    String file = req.path().pathParameters().get("file");
    Asset asset = null;
    if (file.startsWith("vendor/")) {
      String inJar = VENDOR.get(file.substring("vendor/".length()));
      if (inJar != null && uplotVersion != null) {
        asset = find(WEBJAR + uplotVersion + "/" + inJar, extension(inJar));
      }
    } else if (NAME.matcher(file).matches()) {
      asset = find(ROOT + file, extension(file));
    }
    send(res, asset, PREFIX + file);
  }

  private static void send(ServerResponse res, @Nullable Asset asset, String path) {
    if (asset == null) {
      throw new NyxException.NotFound("path", "the console has no file " + path);
    }
    res.header(HeaderNames.CONTENT_TYPE, asset.type());
    res.header(HeaderNames.CACHE_CONTROL, "no-cache");
    res.header("Content-Security-Policy", CSP);
    res.header("X-Content-Type-Options", "nosniff");
    res.header("X-Frame-Options", "DENY");
    res.header("Referrer-Policy", "no-referrer");
    res.header("Cross-Origin-Opener-Policy", "same-origin");
    res.header("Cross-Origin-Resource-Policy", "same-origin");
    res.send(asset.bytes());
  }

  /** Read at each request: a handful of small files for a few people, never stale. */
  private @Nullable Asset find(String resource, String extension) {
    String type = TYPES.get(extension);
    if (type == null) {
      return null;
    }
    try (InputStream in = loader.getResourceAsStream(resource)) {
      return in == null ? null : new Asset(type, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("reading the console file " + resource, e);
    }
  }

  /** The webjar's version, from its own Maven metadata, so the pom alone names it. */
  private static @Nullable String uplotVersion(ClassLoader loader) {
    try (InputStream in = loader.getResourceAsStream(WEBJAR_POM)) {
      if (in == null) {
        return null;
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + WEBJAR_POM, e);
    }
  }

  private static String extension(String name) {
    return name.substring(name.lastIndexOf('.') + 1);
  }
}
