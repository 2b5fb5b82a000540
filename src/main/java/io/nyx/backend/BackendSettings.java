package io.nyx.backend;

import io.nyx.settings.SettingException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Where and how to reach an OpenAI-compatible server. {@code baseUrl} includes the API prefix (e.g.
 * {@code http://localhost:8000/v1}) and never ends with a slash. {@code readTimeout} bounds a whole
 * non-streaming response (headers and body) and every silent gap of a stream.
 */
public record BackendSettings(
    String baseUrl, Duration connectTimeout, Duration readTimeout, @Nullable String apiKey) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMinutes(2);

  public BackendSettings {
    baseUrl = stripTrailingSlashes(requireHttpUrl(baseUrl));
    requirePositive("connect_timeout", connectTimeout);
    requirePositive("read_timeout", readTimeout);
    if (apiKey != null && apiKey.isBlank()) {
      throw new SettingException("api_key", apiKey, "absent or non-blank");
    }
  }

  /** Default timeouts and no API key. */
  public static BackendSettings of(String baseUrl) {
    return new BackendSettings(baseUrl, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, null);
  }

  private static String requireHttpUrl(@Nullable String url) {
    String allowed = "an http(s) URL";
    if (url == null) {
      throw new SettingException("url", "null", allowed);
    }
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme();
      boolean http = "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme);
      if (!http || uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null) {
        throw new SettingException("url", url, allowed);
      }
      return url;
    } catch (URISyntaxException e) {
      throw new SettingException("url", url, allowed);
    }
  }

  private static String stripTrailingSlashes(String url) {
    String s = url;
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  private static void requirePositive(String key, @Nullable Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new SettingException(key, d == null ? "null" : d.toString(), "a positive duration");
    }
  }
}
