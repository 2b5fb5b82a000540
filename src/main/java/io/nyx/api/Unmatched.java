package io.nyx.api;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a request no route takes gets: 405 with {@code Allow} when its path is an endpoint's under
 * another method, else 404 listing every endpoint. Both come from the routes as registered ({@link
 * Routes}), so the list cannot miss one.
 */
final class Unmatched {
  /** One registered endpoint: its method and path template ({@code /traits/{name}}). */
  record Route(Method method, String path) {
    boolean matches(String requestPath) {
      return template(path).matcher(requestPath).matches();
    }

    @Override
    public String toString() {
      return method.text() + " " + path;
    }
  }

  /** Registers each endpoint with Helidon, wrapped by {@link Http}, and remembers it. */
  static final class Routes {
    private final HttpRouting.Builder routing;
    private final Http http;
    private final List<Route> routes = new ArrayList<>();

    Routes(HttpRouting.Builder routing, Http http) {
      this.routing = routing;
      this.http = http;
    }

    Routes get(String path, Http.Endpoint endpoint) {
      return add(Method.GET, path, endpoint);
    }

    Routes post(String path, Http.Endpoint endpoint) {
      return add(Method.POST, path, endpoint);
    }

    Routes put(String path, Http.Endpoint endpoint) {
      return add(Method.PUT, path, endpoint);
    }

    Routes delete(String path, Http.Endpoint endpoint) {
      return add(Method.DELETE, path, endpoint);
    }

    private Routes add(Method method, String path, Http.Endpoint endpoint) {
      routing.route(method, path, http.wrap(path, endpoint));
      routes.add(new Route(method, path));
      return this;
    }

    /** The answer for everything the routes registered so far do not take. */
    Unmatched unmatched() {
      return new Unmatched(routes);
    }
  }

  private final List<Route> routes;

  Unmatched(List<Route> routes) {
    this.routes = List.copyOf(routes);
  }

  void answer(ServerRequest req, ServerResponse res) {
    String path = req.path().path();
    String method = req.prologue().method().text();
    Set<String> allowed = new LinkedHashSet<>();
    routes.stream().filter(r -> r.matches(path)).forEach(r -> allowed.add(r.method().text()));
    if (!allowed.isEmpty()) {
      res.header(HeaderNames.ALLOW, String.join(", ", allowed));
      Http.error(
          res,
          405,
          "invalid_request_error",
          "method",
          path + " does not take " + method + "; it takes " + String.join(", ", allowed));
      return;
    }
    Http.error(
        res,
        404,
        "not_found_error",
        "path",
        "no endpoint " + method + " " + path + "; endpoints: " + list());
  }

  /** Every endpoint, in the order registered. */
  String list() {
    return routes.stream().map(Route::toString).collect(Collectors.joining(", "));
  }

  /** {@code /traits/{name}} as a pattern: each {@code {…}} is one non-empty path segment. */
  private static Pattern template(String path) {
    StringBuilder regex = new StringBuilder();
    for (String part : path.split("(?=\\{)|(?<=\\})")) {
      regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
    }
    return Pattern.compile(regex.toString());
  }
}
