package io.nyx.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * "Loopback" means every address the host resolves to is a loopback address: a string that merely
 * starts with {@code 127.} is a name like any other, and a wildcard address reaches the network.
 */
class ServerConfigTest {
  private static ServerConfig host(String host) {
    return ConfigLoader.load(Map.of("host", host), Map.of()).server();
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST"})
  void loopbackAddressesAndNamesAreLoopback(String name) {
    assertThat(host(name).loopback()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.evil.example",
        "127.0.0.1.evil.example",
        "127.0.0.1evil",
        "localhost.evil.example",
        "0.0.0.0",
        "::",
        "[::]",
        "192.0.2.2",
        "name-that-does-not-resolve.invalid"
      })
  void anythingElseIsNot(String name) {
    assertThat(host(name).loopback()).isFalse();
  }
}
