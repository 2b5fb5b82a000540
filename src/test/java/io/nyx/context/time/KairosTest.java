package io.nyx.context.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Relative dates and urgency against a fixed clock: Thursday 2025-01-16 11:00 in Berlin. */
class KairosTest {
  static final Instant NOW = Instant.parse("2025-01-16T10:00:00Z");
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  final Kairos kairos = new Kairos();

  private List<LocalDate> dates(String query) {
    return kairos.read(query, NOW, BERLIN).dates().stream().map(ResolvedDate::date).toList();
  }

  @Test
  void resolvesRelativeDatesToExactDates() {
    assertThat(dates("can we meet next Tuesday?")).containsExactly(LocalDate.of(2025, 1, 21));
    assertThat(dates("remind me tomorrow")).containsExactly(LocalDate.of(2025, 1, 17));
    assertThat(dates("ship it in 3 days")).containsExactly(LocalDate.of(2025, 1, 19));
    assertThat(dates("in two weeks")).containsExactly(LocalDate.of(2025, 1, 30));
    assertThat(dates("pay by the end of the month")).containsExactly(LocalDate.of(2025, 1, 31));
    assertThat(dates("next week")).containsExactly(LocalDate.of(2025, 1, 20));
    assertThat(dates("on Thursday")).containsExactly(LocalDate.of(2025, 1, 16));
    assertThat(dates("next Thursday")).containsExactly(LocalDate.of(2025, 1, 23));
    assertThat(dates("nothing here")).isEmpty();
  }

  @Test
  void theDayAfterTomorrowIsOneDateNotTwo() {
    assertThat(dates("the day after tomorrow, then next month"))
        .containsExactly(LocalDate.of(2025, 1, 18), LocalDate.of(2025, 2, 1));
  }

  @Test
  void todayIsTheUsersToday() {
    Instant lateUtc = Instant.parse("2025-01-16T23:30:00Z");
    var tokyo = kairos.read("tomorrow", lateUtc, ZoneId.of("Asia/Tokyo"));
    assertThat(tokyo.dates().getFirst().date()).isEqualTo(LocalDate.of(2025, 1, 18));
    var utc = kairos.read("tomorrow", lateUtc, ZoneId.of("UTC"));
    assertThat(utc.dates().getFirst().date()).isEqualTo(LocalDate.of(2025, 1, 17));
  }

  @Test
  void deadlinesAreMarked() {
    var r = kairos.read("the report is due by Friday, we talked on Monday", NOW, BERLIN);
    assertThat(r.dates()).extracting(ResolvedDate::deadline).containsExactly(true, false);
    assertThat(r.deadline().orElseThrow().date()).isEqualTo(LocalDate.of(2025, 1, 17));
  }

  @Test
  void urgencyFromWordsAndDeadlines() {
    assertThat(urgency("what is a monad?")).isEqualTo(Urgency.NORMAL);
    assertThat(urgency("I need this asap")).isEqualTo(Urgency.HIGH);
    assertThat(urgency("no rush, whenever you have time")).isEqualTo(Urgency.LOW);
    assertThat(urgency("this is not urgent")).isEqualTo(Urgency.LOW);
    assertThat(urgency("emergency, help me right now")).isEqualTo(Urgency.CRITICAL);
    assertThat(urgency("the report is due by Friday")).isEqualTo(Urgency.HIGH);
    assertThat(urgency("no rush, it is due next Tuesday")).isEqualTo(Urgency.NORMAL);
    assertThat(Urgency.CRITICAL.budgetMs()).isLessThan(Urgency.HIGH.budgetMs());
  }

  @Test
  void renderShowsNowDatesAndUrgencyWithEvidence() {
    String text = kairos.render(kairos.read("finish by Friday asap", NOW, BERLIN));
    assertThat(text)
        .contains("Current time: Thursday 2025-01-16 11:00:00 +01:00 (Europe/Berlin)")
        .contains("\"friday\" = Friday 2025-01-17 (in 1 day(s), deadline)")
        .contains("Urgency: high (high: \"asap\"; deadline 2025-01-17 in 1 day(s))");
  }

  private Urgency urgency(String q) {
    return kairos.read(q, NOW, BERLIN).urgency();
  }
}
