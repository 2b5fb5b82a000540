package io.nyx.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

  @TempDir Path dir;

  private ServerConfig fromYaml(String yaml) throws IOException {
    Path file = Files.writeString(dir.resolve("nyx.yaml"), yaml);
    return ConfigLoader.load(Map.of("config", file.toString()), Map.of()).server();
  }

  @Test
  void allowedHostsDefaultToNoneAndTakeNamesAndAddresses() throws IOException {
    assertThat(ConfigLoader.load(Map.of(), Map.of()).server().allowedHosts()).isEmpty();
    ServerConfig c =
        fromYaml("server:\n  allowed_hosts: [nyx.example.com, 10.0.0.5, \"[fd00::1]\"]\n");
    assertThat(c.allowedHosts()).containsExactly("nyx.example.com", "10.0.0.5", "[fd00::1]");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Nyx.example.com",
        "http://nyx.example.com",
        "nyx.example.com:443",
        "fd00::1",
        "*"
      })
  void anAllowedHostWithSchemePortOrCapitalsIsRejected(String entry) {
    assertThatThrownBy(() -> fromYaml("server:\n  allowed_hosts: [\"" + entry + "\"]\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("server.allowed_hosts[0]")
        .hasMessageContaining("without scheme or port");
  }
}
