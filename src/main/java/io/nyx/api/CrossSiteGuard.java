package io.nyx.api;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Refuses what a web page in the user's browser can make it send, before admission: the keyless
 * loopback default must not be usable by any site the user visits.
 *
 * <ul>
 *   <li>A Host this server does not answer to (DNS rebinding): 421, see {@link AllowedHosts}.
 *   <li>A CORS preflight: 403, with no {@code Access-Control-Allow-*} header, so the browser sends
 *       nothing else. Nyx offers no cross-origin access; its clients are servers, CLIs and
 *       same-origin pages.
 *   <li>A body that is not declared JSON: 415. The requests a page may send without a preflight
 *       ("simple" requests) carry text/plain, a form or multipart; requiring {@code
 *       application/json} is what forces the preflight that is refused above.
 * </ul>
 */
final class CrossSiteGuard implements Filter {
  private static final HeaderName REQUEST_METHOD =
      HeaderNames.create("Access-Control-Request-Method");
  private static final Set<Method> BODY_METHODS =
      Set.of(Method.POST, Method.PUT, Method.PATCH, Method.DELETE);

  static final String NO_CORS =
      "cross-origin requests are refused: Nyx sends no CORS headers, so a page from another origin"
          + " cannot call it; call Nyx from a server or a CLI, or from a page Nyx itself serves";

  private final AllowedHosts hosts;

  CrossSiteGuard(AllowedHosts hosts) {
    this.hosts = hosts;
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    int port = req.localPeer().port();
    String host = req.headers().first(HeaderNames.HOST).orElse(null);
    Method method = req.prologue().method();
    if (!hosts.allows(host, port)) {
      Http.error(res, 421, "invalid_request_error", "Host", misdirected(host, port));
    } else if (method.equals(Method.OPTIONS) && req.headers().contains(REQUEST_METHOD)) {
      Http.error(res, 403, "permission_error", null, NO_CORS);
    } else if (BODY_METHODS.contains(method) && req.content().hasEntity() && !json(req)) {
      Http.error(res, 415, "invalid_request_error", "Content-Type", notJson(req));
    } else {
      chain.proceed();
    }
  }

  private String misdirected(@Nullable String host, int port) {
    return "Host '"
        + (host == null ? "" : host)
        + "' is not a name of this server; it answers to "
        + hosts.describe(port)
        + ". Behind a proxy or under a DNS name, add that name to server.allowed_hosts";
  }

  private static boolean json(RoutingRequest req) {
    return json(req.headers().all(HeaderNames.CONTENT_TYPE, List::of));
  }

  /** Exactly one Content-Type whose media type is application/json, any parameters. */
  static boolean json(List<String> contentTypes) {
    if (contentTypes.size() != 1) {
      return false;
    }
    String value = contentTypes.getFirst();
    int semicolon = value.indexOf(';');
    String type = semicolon < 0 ? value : value.substring(0, semicolon);
    return type.strip().toLowerCase(Locale.ROOT).equals("application/json");
  }

  private static String notJson(RoutingRequest req) {
    List<String> got = req.headers().all(HeaderNames.CONTENT_TYPE, List::of);
    return "a request body must be JSON: send Content-Type: application/json (got "
        + (got.isEmpty() ? "no Content-Type" : "'" + String.join(", ", got) + "'")
        + ")";
  }
}
