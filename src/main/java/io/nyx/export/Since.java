package io.nyx.export;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A "since" value (the CLI's {@code --since}, the export endpoint's {@code since}): an ISO date
 * (midnight UTC), an ISO date-time with offset, or a duration back from now ({@code 7d}, {@code
 * 12h}, {@code 30m}, {@code 90s}, or ISO {@code P7D}).
 */
public final class Since {
  private static final Pattern SHORT = Pattern.compile("(\\d{1,9})([dhms])");

  private Since() {}

  /**
   * @throws IllegalArgumentException naming the accepted forms when {@code text} is none of them
   */
  public static Instant parse(String text, Instant now) {
    String t = text.strip();
    Matcher m = SHORT.matcher(t);
    try {
      if (m.matches()) {
        return now.minus(Duration.of(Long.parseLong(m.group(1)), unit(m.group(2))));
      }
      if (t.startsWith("P") || t.startsWith("p")) {
        return now.minus(Duration.parse(t.toUpperCase(Locale.ROOT)));
      }
      if (t.length() == 10) {
        return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "must be an ISO date (2026-05-01), a date-time with offset"
              + " (2026-05-01T10:00:00Z) or a duration back from now (7d, 12h, 30m, 90s, P7D)"
              + " but was '"
              + text
              + "'");
    }
  }

  private static java.time.temporal.ChronoUnit unit(String u) {
    return switch (u) {
      case "d" -> java.time.temporal.ChronoUnit.DAYS;
      case "h" -> java.time.temporal.ChronoUnit.HOURS;
      case "m" -> java.time.temporal.ChronoUnit.MINUTES;
      default -> java.time.temporal.ChronoUnit.SECONDS;
    };
  }
}
