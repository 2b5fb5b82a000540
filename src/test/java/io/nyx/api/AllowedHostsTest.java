package io.nyx.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.nyx.config.ServerConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllowedHostsTest {
  static final int PORT = 8080;

  private static AllowedHosts hosts(String bind, List<String> allowed) {
    return AllowedHosts.of(
        new ServerConfig(
            bind,
            PORT,
            ServerConfig.DEFAULT_MAX_BODY_BYTES,
            ServerConfig.DEFAULT_MAX_QUERY_CHARS,
            ServerConfig.DEFAULT_MAX_CONCURRENT,
            ServerConfig.DEFAULT_SHUTDOWN_GRACE_MS,
            ServerConfig.DEFAULT_HEADER_TIMEOUT_MS,
            ServerConfig.DEFAULT_BODY_TIMEOUT_MS,
            allowed));
  }

  @Test
  void onLoopbackTheLoopbackNamesWithThisPortAreServed() {
    AllowedHosts h = hosts("127.0.0.1", List.of());
    for (String ok :
        List.of("127.0.0.1:8080", "localhost:8080", "[::1]:8080", "LocalHost:8080", "localhost")) {
      assertThat(h.allows(ok, PORT)).as(ok).isTrue();
    }
    for (String no :
        List.of(
            "127.0.0.1:9",
            "localhost:80",
            "evil.example:8080",
            "127.0.0.1.evil.example:8080",
            "localhost.:8080",
            "10.0.0.5:8080",
            "",
            "[::1",
            "[::1]:x",
            "localhost:8080:1",
            ":8080",
            "::1")) {
      assertThat(h.allows(no, PORT)).as(no).isFalse();
    }
    assertThat(h.allows(null, PORT)).isFalse();
  }

  @Test
  void onAWildcardAnyAddressIsServedButNoForeignName() {
    AllowedHosts h = hosts("0.0.0.0", List.of());
    assertThat(h.allows("192.0.2.7:9000", PORT)).isTrue();
    assertThat(h.allows("[fd00::1]:1", PORT)).isTrue();
    assertThat(h.allows("localhost:8080", PORT)).isTrue();
    assertThat(h.allows("localhost:9000", PORT)).isFalse();
    assertThat(h.allows("evil.example:8080", PORT)).isFalse();
    assertThat(h.allows("127.0.0.1.evil.example", PORT)).isFalse();
  }

  @Test
  void onAnAddressItAndTheConfiguredNamesAreServed() {
    AllowedHosts h = hosts("192.0.2.2", List.of("nyx.example.com"));
    assertThat(h.allows("192.0.2.2:8080", PORT)).isTrue();
    assertThat(h.allows("nyx.example.com", PORT)).isTrue();
    assertThat(h.allows("NYX.example.com:443", PORT)).isTrue();
    assertThat(h.allows("localhost:8080", PORT)).as("not reachable on loopback").isFalse();
    assertThat(h.allows("192.0.2.3:8080", PORT)).isFalse();
    assertThat(h.allows("nyx.example.com.evil.example", PORT)).isFalse();
    assertThat(h.describe(PORT)).isEqualTo("192.0.2.2 on port 8080; nyx.example.com");
  }

  @Test
  void anIpv6BindIsMatchedInBrackets() {
    assertThat(hosts("::1", List.of()).allows("[::1]:8080", PORT)).isTrue();
  }

  @Test
  void onlyApplicationJsonIsJson() {
    assertThat(CrossSiteGuard.json(List.of("application/json"))).isTrue();
    assertThat(CrossSiteGuard.json(List.of("Application/JSON ; charset=utf-8"))).isTrue();
    assertThat(CrossSiteGuard.json(List.of())).isFalse();
    assertThat(CrossSiteGuard.json(List.of("application/json", "text/plain"))).isFalse();
    assertThat(CrossSiteGuard.json(List.of("text/plain; application/json"))).isFalse();
    assertThat(CrossSiteGuard.json(List.of("application/jsonx"))).isFalse();
  }
}
