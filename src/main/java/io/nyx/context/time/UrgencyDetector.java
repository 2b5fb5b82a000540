package io.nyx.context.time;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Urgency from the words of the query and its nearest deadline. Pure and thread-safe.
 *
 * <p>Calm phrases ("no rush", "not urgent") are read first and blanked out, so "not urgent" is not
 * also read as "urgent". Then the level is the highest of: critical words (emergency, right now,
 * within minutes), high words (urgent, asap, deadline), and the deadline's distance (today or
 * tomorrow → high). With only calm phrases the level is low; with nothing, normal.
 */
public final class UrgencyDetector {
  private static final Pattern CALM =
      Pattern.compile(
          "\\b(?:no rush|no hurry|not urgent|whenever|at your leisure|someday|eventually"
              + "|low priority|when you (?:have|get) (?:a )?(?:chance|time|moment))\\b");
  private static final Pattern CRITICAL =
      Pattern.compile(
          "\\b(?:emergency|life or death|right now|immediately|right away|this instant"
              + "|within (?:the|an|one) hour|in (?:[1-9]|[1-5]\\d|60) min(?:ute)?s?)\\b");
  private static final Pattern HIGH =
      Pattern.compile(
          "\\b(?:urgent(?:ly)?|asap|as soon as possible|hurry|time[- ]sensitive|deadline|overdue"
              + "|running out of time|last[- ]minute|quickly|in (?:[1-9]|1\\d|2[0-4]) hours?)\\b");

  /** The level and the evidence for it (matched words, the deadline). */
  public record Assessment(Urgency level, List<String> evidence) {}

  public Assessment assess(String query, LocalDate today, Optional<ResolvedDate> deadline) {
    String text = query.toLowerCase(Locale.ROOT);
    List<String> evidence = new ArrayList<>();
    boolean calm = collect(CALM, text, evidence, "calm");
    String rest = CALM.matcher(text).replaceAll(" ");
    Urgency level = calm ? Urgency.LOW : Urgency.NORMAL;
    if (collect(HIGH, rest, evidence, "high")) {
      level = Urgency.HIGH;
    }
    if (deadline.isPresent()) {
      long days = ChronoUnit.DAYS.between(today, deadline.get().date());
      evidence.add("deadline " + deadline.get().date() + " in " + days + " day(s)");
      if (days <= 1 && level.compareTo(Urgency.HIGH) < 0) {
        level = Urgency.HIGH;
      } else if (level == Urgency.LOW) {
        level = Urgency.NORMAL; // a deadline is never "whenever"
      }
    }
    if (collect(CRITICAL, rest, evidence, "critical")) {
      level = Urgency.CRITICAL;
    }
    return new Assessment(level, evidence);
  }

  private static boolean collect(Pattern p, String text, List<String> evidence, String kind) {
    Matcher m = p.matcher(text);
    boolean any = false;
    while (m.find()) {
      evidence.add(kind + ": \"" + m.group() + "\"");
      any = true;
    }
    return any;
  }
}
