package io.nyx.context.time;

import java.time.LocalDate;

/**
 * A relative date phrase of the query and the calendar date it means in the user's zone.
 *
 * @param deadline true when the phrase reads as a deadline ("by Friday", "due tomorrow")
 */
public record ResolvedDate(String phrase, LocalDate date, boolean deadline) {}
