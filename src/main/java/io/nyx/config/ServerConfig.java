package io.nyx.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The HTTP listener. {@code maxBodyBytes} and {@code maxQueryChars} cut oversized requests off with
 * a 413/400 before any work is done; beyond {@code maxConcurrent} requests in flight Nyx answers
 * 503 with Retry-After at once instead of queueing. A client that takes longer than {@code
 * headerTimeoutMs} to send a request head (or to keep an idle connection open), or longer than
 * {@code bodyTimeoutMs} to send a body after its headers, is disconnected (slow-loris). {@code
 * allowedHosts} are the names, besides its own address, that a request's Host header may give
 * (DNS-rebinding defence; see {@code api.AllowedHosts}): lower-case host names or IP addresses
 * without scheme or port, IPv6 in brackets.
 */
public record ServerConfig(
    String host,
    int port,
    long maxBodyBytes,
    int maxQueryChars,
    int maxConcurrent,
    int shutdownGraceMs,
    int headerTimeoutMs,
    int bodyTimeoutMs,
    List<String> allowedHosts) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final long DEFAULT_MAX_BODY_BYTES = 1L << 20;
  public static final int DEFAULT_MAX_QUERY_CHARS = 32_768;
  public static final int DEFAULT_MAX_CONCURRENT = 512;
  public static final int DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
  public static final int DEFAULT_HEADER_TIMEOUT_MS = 10_000;
  public static final int DEFAULT_BODY_TIMEOUT_MS = 30_000;
  public static final List<String> DEFAULT_ALLOWED_HOSTS = List.of();

  /** A host name or IPv4 address, or an IPv6 address in brackets; no scheme, port or path. */
  private static final Pattern HOST_NAME =
      Pattern.compile(
          "[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\\[[0-9a-f:.]+\\]");

  public ServerConfig {
    if (host != null && host.isBlank()) {
      host = null;
    }
    if (host == null) {
      throw new ConfigException("server.host", host, "a host name or address");
    }
    if (port < 0 || port > 65_535) {
      throw new ConfigException("server.port", port, "in [0,65535] (0 = any free port)");
    }
    if (maxBodyBytes < 1024 || maxBodyBytes > (64L << 20)) {
      throw new ConfigException("server.max_body_bytes", maxBodyBytes, "in [1024, 67108864]");
    }
    if (shutdownGraceMs < 0 || shutdownGraceMs > 600_000) {
      throw new ConfigException("server.shutdown_grace_ms", shutdownGraceMs, "in [0, 600000]");
    }
    if (maxConcurrent < 1 || maxConcurrent > 100_000) {
      throw new ConfigException("server.max_concurrent", maxConcurrent, "in [1, 100000]");
    }
    if (headerTimeoutMs < 100 || headerTimeoutMs > 600_000) {
      throw new ConfigException("server.header_timeout_ms", headerTimeoutMs, "in [100, 600000]");
    }
    if (bodyTimeoutMs < 100 || bodyTimeoutMs > 600_000) {
      throw new ConfigException("server.body_timeout_ms", bodyTimeoutMs, "in [100, 600000]");
    }
    if (maxQueryChars < 1 || maxQueryChars > 1_000_000) {
      throw new ConfigException("server.max_query_chars", maxQueryChars, "in [1, 1000000]");
    }
    allowedHosts = List.copyOf(allowedHosts);
    for (int i = 0; i < allowedHosts.size(); i++) {
      if (!HOST_NAME.matcher(allowedHosts.get(i)).matches()) {
        throw new ConfigException(
            "server.allowed_hosts[" + i + "]",
            allowedHosts.get(i),
            "a lower-case host name or IP address without scheme or port, IPv6 in brackets"
                + " (nyx.example.com, 10.0.0.5, [fd00::1])");
      }
    }
  }

  /**
   * True when only this machine can reach the listener: every address the host resolves to is a
   * loopback address. Decided on addresses, never on the spelling: {@code 127.evil.example} is a
   * name like any other, a wildcard ({@code 0.0.0.0}, {@code ::}) reaches every interface, and a
   * name that does not resolve is not known to be loopback. Resolves names, so call it at start.
   */
  public boolean loopback() {
    try {
      InetAddress[] all = InetAddress.getAllByName(host);
      return Arrays.stream(all).allMatch(InetAddress::isLoopbackAddress);
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
