package io.nyx.context.time;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Kairos's reading of a query: now in the user's zone, resolved dates, deadline and urgency, and
 * the text that puts it in the prompt. Pure (the instant is passed in) and thread-safe.
 */
public final class Kairos {
  private static final DateTimeFormatter NOW =
      DateTimeFormatter.ofPattern("EEEE yyyy-MM-dd HH:mm:ss xxx '('VV')'", Locale.ENGLISH);
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("EEEE yyyy-MM-dd", Locale.ENGLISH);

  private final DateResolver dates = new DateResolver();
  private final UrgencyDetector urgency = new UrgencyDetector();

  public TimeReading read(String query, Instant now, ZoneId zone) {
    ZonedDateTime local = now.atZone(zone);
    LocalDate today = local.toLocalDate();
    var resolved = dates.resolve(query, today);
    TimeReading draft = new TimeReading(local, resolved, Urgency.NORMAL, java.util.List.of());
    UrgencyDetector.Assessment a = urgency.assess(query, today, draft.deadline());
    return new TimeReading(local, resolved, a.level(), a.evidence());
  }

  /** The lines Kairos adds to the context block. */
  public String render(TimeReading r) {
    StringBuilder sb = new StringBuilder("Current time: ").append(NOW.format(r.now()));
    LocalDate today = r.now().toLocalDate();
    for (ResolvedDate d : r.dates()) {
      long days = ChronoUnit.DAYS.between(today, d.date());
      sb.append("\nDate in the request: \"")
          .append(d.phrase())
          .append("\" = ")
          .append(DAY.format(d.date()))
          .append(" (")
          .append(relative(days))
          .append(d.deadline() ? ", deadline)" : ")");
    }
    sb.append("\nUrgency: ").append(r.urgency().label());
    if (!r.evidence().isEmpty()) {
      sb.append(" (").append(String.join("; ", r.evidence())).append(')');
    }
    return sb.toString();
  }

  private static String relative(long days) {
    if (days == 0) {
      return "today";
    }
    return days > 0 ? "in " + days + " day(s)" : days * -1 + " day(s) ago";
  }
}
