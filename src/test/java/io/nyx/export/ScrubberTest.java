package io.nyx.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped rules on text that holds what they are for, and on look-alikes they must leave. */
class ScrubberTest {
  private final Scrubber scrubber = new Scrubber(ScrubRule.DEFAULTS);

  private String scrub(String text) {
    return scrubber.scrub(text, new long[ScrubRule.DEFAULTS.size()]);
  }

  @Test
  void replacesEachKindByItsPlaceholderAndCountsIt() {
    long[] counts = new long[ScrubRule.DEFAULTS.size()];
    String out =
        scrubber.scrub(
            "Mail ann.lee+nyx@mail.example.co.uk or bob@example.org, call +49 30 1234567,"
                + " pay with 4111-1111-1111-1111, key sk-proj-AbCdEf0123456789xyz.",
            counts);
    assertThat(out)
        .isEqualTo("Mail <EMAIL> or <EMAIL>, call <PHONE>, pay with <CARD>, key <API_KEY>.");
    assertThat(scrubber.named(counts))
        .containsExactly(
            Map.entry("api_key", 1L),
            Map.entry("email", 2L),
            Map.entry("card", 1L),
            Map.entry("phone", 1L),
            Map.entry("secret", 0L));
  }

  @Test
  void apiKeysOfKnownShapes() {
    String nyxKey = "nyx_" + "Q2hhbmdlTWVDaGFuZ2VNZUNoYW5nZU1lQ2hhbmdlTWU";
    assertThat(scrub("use " + nyxKey + " here")).isEqualTo("use <API_KEY> here");
    assertThat(scrub("token ghp_abcdefghijklmnopqrstuvwxyz0123456789"))
        .isEqualTo("token <API_KEY>");
    assertThat(scrub("id AKIAIOSFODNN7EXAMPLE.")).isEqualTo("id <API_KEY>.");
    assertThat(scrub("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc"))
        .isEqualTo("Authorization: <API_KEY>");
    // Table names that start like a key are not keys.
    assertThat(scrub("rows live in nyx_synthetic_specialist_queries_default"))
        .isEqualTo("rows live in nyx_synthetic_specialist_queries_default");
    assertThat(scrub("a task-list and risk-assessment")).doesNotContain("<API_KEY>");
  }

  @Test
  void longHexAndBase64SecretsButNotIdsOrWords() {
    assertThat(scrub("sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"))
        .isEqualTo("sha <SECRET>");
    assertThat(scrub("password=Zm9vYmFyQmF6UXV4MTIzNDU2Nzg5MGFiY2RlZg=="))
        .isEqualTo("password=<SECRET>");
    String uuid = "3f2a9c1e-7b4d-4e8a-9f10-2c3d4e5f6a7b";
    assertThat(scrub("query " + uuid)).isEqualTo("query " + uuid);
    assertThat(scrub("internationalization-and-localization-guidelines"))
        .isEqualTo("internationalization-and-localization-guidelines");
  }

  @Test
  void cardNumbersNeedTheLuhnChecksum() {
    assertThat(scrub("card 4012888888881881")).isEqualTo("card <CARD>");
    assertThat(scrub("card 5555 5555 5555 4444")).isEqualTo("card <CARD>");
    assertThat(scrub("order 4012888888881882")).isEqualTo("order 4012888888881882");
  }

  @Test
  void phoneNumbersButNotDatesTimesOrShortNumbers() {
    assertThat(scrub("ring (555) 123-4567 now")).isEqualTo("ring <PHONE> now");
    assertThat(scrub("ring 555-123-4567")).isEqualTo("ring <PHONE>");
    assertThat(scrub("ring +4915112345678")).isEqualTo("ring <PHONE>");
    assertThat(scrub("on 2026-05-01 at 10:30")).isEqualTo("on 2026-05-01 at 10:30");
    assertThat(scrub("on 2026-05-01 12 people came")).isEqualTo("on 2026-05-01 12 people came");
    assertThat(scrub("room 12 34")).isEqualTo("room 12 34");
    assertThat(scrub("version 1.2.3 of 192.168.10.20")).isEqualTo("version 1.2.3 of 192.168.10.20");
  }

  @Test
  void ownRulesRunInTheirPlace() {
    List<ScrubRule> rules =
        ExportSettings.rules(
            true,
            List.of(
                ScrubRule.of("email", "[a-z]+@corp\\.example", "<WORK_EMAIL>", "none"),
                ScrubRule.of("ticket", "TICKET-[0-9]+", "<TICKET>", "none")));
    Scrubber own = new Scrubber(rules);
    long[] counts = new long[rules.size()];
    assertThat(own.scrub("ann@corp.example, bob@home.example, TICKET-42", counts))
        .isEqualTo("<WORK_EMAIL>, bob@home.example, <TICKET>");
    assertThat(own.named(counts)).containsEntry("email", 1L).containsEntry("ticket", 1L);
  }
}
