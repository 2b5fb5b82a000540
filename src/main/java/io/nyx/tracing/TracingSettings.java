package io.nyx.tracing;

import io.nyx.settings.SettingException;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * The {@code tracing:} settings.
 *
 * @param endpoint where spans are exported, over OTLP/HTTP (protobuf): a collector's traces URL
 *     such as {@code http://otel-collector:4318/v1/traces} ({@code /v1/traces} is added to a URL
 *     without a path); empty turns tracing off
 * @param serviceName the {@code service.name} the spans carry
 * @param sampleRatio the share of new traces recorded, [0, 1]; a request that continues a caller's
 *     trace follows the caller's sampling decision
 */
public record TracingSettings(String endpoint, String serviceName, double sampleRatio) {
  public static final String DEFAULT_SERVICE_NAME = "nyx";
  public static final double DEFAULT_SAMPLE_RATIO = 1.0;

  /** Tracing off. */
  public static final TracingSettings DEFAULT =
      new TracingSettings("", DEFAULT_SERVICE_NAME, DEFAULT_SAMPLE_RATIO);

  public TracingSettings {
    if (!endpoint.isEmpty()) {
      requireHttpUrl(endpoint);
    }
    if (serviceName.isBlank()) {
      throw new SettingException("service_name", serviceName, "a non-empty name");
    }
    if (!(sampleRatio >= 0 && sampleRatio <= 1)) {
      throw new SettingException("sample_ratio", sampleRatio, "a number in [0, 1]");
    }
  }

  /** True when an endpoint is set. */
  public boolean enabled() {
    return !endpoint.isEmpty();
  }

  /** The URL spans are posted to: the endpoint, with {@code /v1/traces} when it has no path. */
  public String tracesUrl() {
    String path = URI.create(endpoint).getPath();
    if (path == null || path.isEmpty() || path.equals("/")) {
      return endpoint.replaceAll("/+$", "") + "/v1/traces";
    }
    return endpoint;
  }

  private static void requireHttpUrl(String url) {
    String allowed = "an http(s) URL of an OTLP/HTTP collector, or \"\" for tracing off";
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme();
      boolean http = "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme);
      if (!http || uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null) {
        throw new SettingException("endpoint", url, allowed);
      }
    } catch (URISyntaxException e) {
      throw new SettingException("endpoint", url, allowed);
    }
  }
}
