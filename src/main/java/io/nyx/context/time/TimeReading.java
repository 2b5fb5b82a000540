package io.nyx.context.time;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/**
 * What Kairos read from one query: the current time in the user's zone, the relative dates it
 * resolved, the nearest deadline, and the urgency with the words that set it.
 */
public record TimeReading(
    ZonedDateTime now, List<ResolvedDate> dates, Urgency urgency, List<String> evidence) {

  public TimeReading {
    dates = List.copyOf(dates);
    evidence = List.copyOf(evidence);
  }

  /** The earliest date marked as a deadline, if any. */
  public Optional<ResolvedDate> deadline() {
    return dates.stream()
        .filter(ResolvedDate::deadline)
        .min(java.util.Comparator.comparing(ResolvedDate::date));
  }
}
