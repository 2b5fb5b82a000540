package io.nyx.config;

/**
 * The HTTP listener. {@code maxBodyBytes} and {@code maxQueryChars} cut oversized requests off with
 * a 413/400 before any work is done.
 */
public record ServerConfig(String host, int port, long maxBodyBytes, int maxQueryChars) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final long DEFAULT_MAX_BODY_BYTES = 1L << 20;
  public static final int DEFAULT_MAX_QUERY_CHARS = 32_768;

  public ServerConfig {
    if (host == null || host.isBlank()) {
      throw new ConfigException("server.host", host, "a host name or address");
    }
    if (port < 0 || port > 65_535) {
      throw new ConfigException("server.port", port, "in [0,65535] (0 = any free port)");
    }
    if (maxBodyBytes < 1024 || maxBodyBytes > (64L << 20)) {
      throw new ConfigException("server.max_body_bytes", maxBodyBytes, "in [1024, 67108864]");
    }
    if (maxQueryChars < 1 || maxQueryChars > 1_000_000) {
      throw new ConfigException("server.max_query_chars", maxQueryChars, "in [1, 1000000]");
    }
  }
}
