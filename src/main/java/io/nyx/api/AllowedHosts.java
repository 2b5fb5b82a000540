package io.nyx.api;

import io.nyx.config.ServerConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The Host headers this server answers: the defence against DNS rebinding, where a web page makes
 * its own name (evil.example) resolve to 127.0.0.1 and then reads Nyx as if it were its own site.
 * The browser still sends that name in Host, so a request is served only when Host gives
 *
 * <ul>
 *   <li>{@code server.host} itself, or on a loopback or wildcard listener one of the loopback names
 *       {@code localhost}, {@code 127.0.0.1}, {@code [::1]}, with the listener's port (or no port);
 *   <li>on a wildcard listener ({@code 0.0.0.0}, {@code ::}) any IP address, any port: the
 *       addresses and port mappings that reach such a socket cannot be listed, and an address
 *       cannot be rebound, only a name can;
 *   <li>a name in {@code server.allowed_hosts}, any port (a proxy's or DNS name).
 * </ul>
 *
 * Immutable and thread-safe; names are resolved once, in {@link #of}.
 */
final class AllowedHosts {
  static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");
  private static final Pattern IP_LITERAL =
      Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|\\[[0-9a-f:.]+\\]");

  /** A Host header split into a lower-case name and a port, -1 when it gives none. */
  record Authority(String name, int port) {}

  private final Set<String> own;
  private final Set<String> configured;
  private final boolean anyAddress;

  AllowedHosts(Set<String> own, Set<String> configured, boolean anyAddress) {
    this.own = Set.copyOf(own);
    this.configured = Set.copyOf(configured);
    this.anyAddress = anyAddress;
  }

  static AllowedHosts of(ServerConfig config) {
    boolean wildcard = wildcard(config.host());
    Set<String> own = new LinkedHashSet<>();
    own.add(bracketed(config.host().toLowerCase(Locale.ROOT)));
    if (wildcard || config.loopback()) {
      own.addAll(LOOPBACK_NAMES);
    }
    return new AllowedHosts(own, Set.copyOf(config.allowedHosts()), wildcard);
  }

  /** True when a request with this Host header, received on {@code localPort}, is served. */
  boolean allows(@Nullable String host, int localPort) {
    Authority a = host == null ? null : parse(host);
    if (a == null) {
      return false;
    }
    if (configured.contains(a.name()) || (anyAddress && IP_LITERAL.matcher(a.name()).matches())) {
      return true;
    }
    return own.contains(a.name()) && (a.port() == -1 || a.port() == localPort);
  }

  /** What {@link #allows} accepts, for the refusal message. */
  String describe(int localPort) {
    String names = String.join(", ", own) + " on port " + localPort;
    String any = anyAddress ? "; any IP address" : "";
    String extra = configured.isEmpty() ? "" : "; " + String.join(", ", configured);
    return names + any + extra;
  }

  /** {@code name[:port]} or {@code [v6][:port]}; null when it is neither. */
  static @Nullable Authority parse(String host) {
    String h = host.strip().toLowerCase(Locale.ROOT);
    int end = h.startsWith("[") ? h.indexOf(']') + 1 : 0;
    if (h.startsWith("[") && end == 0) {
      return null;
    }
    int colon = h.indexOf(':', end);
    if (colon < 0) {
      return h.isEmpty() ? null : new Authority(h, -1);
    }
    String port = h.substring(colon + 1);
    if (colon == 0
        || port.isEmpty()
        || port.length() > 5
        || !port.chars().allMatch(Character::isDigit)) {
      return null;
    }
    return new Authority(h.substring(0, colon), Integer.parseInt(port));
  }

  private static boolean wildcard(String host) {
    try {
      return Arrays.stream(InetAddress.getAllByName(host)).anyMatch(InetAddress::isAnyLocalAddress);
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** An IPv6 literal as it appears in a Host header. */
  private static String bracketed(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
