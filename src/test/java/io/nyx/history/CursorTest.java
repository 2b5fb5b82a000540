package io.nyx.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CursorTest {
  @Test
  void aTokenReadsBackToTheSameKey() {
    Cursor c = new Cursor(Instant.parse("2026-11-26T10:00:00.123456Z"), new UUID(-5, 9));
    assertThat(Cursor.parse(c.token())).isEqualTo(c);
    assertThat(c.token()).matches("[A-Za-z0-9_-]+");
  }

  @Test
  void aTokenNotMadeByACursorIsRefusedSayingWhatIsExpected() {
    for (String bad : new String[] {"garbage!", "", "bm8tYmFy", "MjAyNnx4"}) {
      assertThatThrownBy(() -> Cursor.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("next_cursor");
    }
  }
}
