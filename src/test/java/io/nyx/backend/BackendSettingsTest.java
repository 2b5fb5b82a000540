package io.nyx.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nyx.config.ConfigException;
import io.nyx.settings.SettingException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackendSettingsTest {

  @Test
  void stripsTrailingSlashesAndKeepsDefaults() {
    BackendSettings s = BackendSettings.of("http://localhost:8000/v1/");

    assertThat(s.baseUrl()).isEqualTo("http://localhost:8000/v1");
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.readTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.apiKey()).isNull();
  }

  @Test
  void rejectsANonHttpUrlNamingTheField() {
    assertThatThrownBy(() -> BackendSettings.of("foo"))
        .isInstanceOf(SettingException.class)
        .hasMessage("url must be an http(s) URL but was \"foo\"");
    assertThatThrownBy(() -> BackendSettings.of("ftp://host/v1")).hasMessageContaining("url");
    assertThatThrownBy(() -> ConfigException.under("llm.", () -> BackendSettings.of("foo")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("llm.url must be an http(s) URL but was \"foo\"");
  }

  @Test
  void rejectsNonPositiveTimeoutsAndBlankKeys() {
    assertThatThrownBy(
            () -> new BackendSettings("http://h/v1", Duration.ZERO, Duration.ofSeconds(1), null))
        .hasMessageStartingWith("connect_timeout must be a positive duration");
    assertThatThrownBy(
            () ->
                new BackendSettings(
                    "http://h/v1", Duration.ofSeconds(1), Duration.ofMillis(-1), null))
        .hasMessageStartingWith("read_timeout must be a positive duration");
    assertThatThrownBy(
            () ->
                new BackendSettings(
                    "https://h/v1", Duration.ofSeconds(1), Duration.ofSeconds(1), " "))
        .hasMessageStartingWith("api_key must be absent or non-blank");
  }
}
