package io.nyx.context.time;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves relative date phrases against "today" in the user's zone. Pure and thread-safe.
 *
 * <p>Conventions (people differ; these are fixed so answers are predictable): "next Tuesday" is the
 * first Tuesday strictly after today; "Tuesday", "on/by/this Tuesday" the first on or after today;
 * "next week" its Monday; "end of the week" this week's Sunday (ISO weeks); "in N weeks" adds
 * calendar units. Rules run in order and a later rule never matches inside an earlier match, so
 * "the day after tomorrow" is not also read as "tomorrow".
 */
public final class DateResolver {
  private static final Pattern DEADLINE_CUE =
      Pattern.compile(
          "(?:\\bby|\\bdue(?: on| by)?|\\bbefore|\\buntil|\\btill|\\bno later than"
              + "|\\bdeadline(?: is)?(?: on)?)\\s+(?:the\\s+)?$");
  private static final String DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday";
  private static final Map<String, Integer> NUMBERS =
      Map.ofEntries(
          Map.entry("a", 1),
          Map.entry("an", 1),
          Map.entry("one", 1),
          Map.entry("two", 2),
          Map.entry("three", 3),
          Map.entry("four", 4),
          Map.entry("five", 5),
          Map.entry("six", 6),
          Map.entry("seven", 7),
          Map.entry("eight", 8),
          Map.entry("nine", 9),
          Map.entry("ten", 10),
          Map.entry("eleven", 11),
          Map.entry("twelve", 12));

  private record Rule(Pattern pattern, BiFunction<Matcher, LocalDate, LocalDate> resolve) {}

  private static final List<Rule> RULES =
      List.of(
          rule("\\b(?:the\\s+)?day after tomorrow\\b", (m, d) -> d.plusDays(2)),
          rule("\\btomorrow\\b", (m, d) -> d.plusDays(1)),
          rule("\\byesterday\\b", (m, d) -> d.minusDays(1)),
          rule("\\b(?:today|tonight|this (?:morning|afternoon|evening))\\b", (m, d) -> d),
          rule(
              "\\bin (\\d{1,4}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
                  + " (day|week|month|year)s?\\b",
              DateResolver::plus),
          rule("\\bend of (?:the )?(day|week|month|year)\\b", DateResolver::endOf),
          rule("\\b(?:the )?(week|month|year)'?s end\\b", DateResolver::endOf),
          rule("\\bnext (week|month|year)\\b", DateResolver::nextPeriod),
          rule("\\b(?:this )?weekend\\b", (m, d) -> onOrAfter(d, DayOfWeek.SATURDAY)),
          rule("\\b(?:(next|this) )?(" + DAYS + ")\\b", DateResolver::weekday),
          rule("\\b(\\d{4}-\\d{2}-\\d{2})\\b", (m, d) -> LocalDate.parse(m.group(1))));

  private static Rule rule(String regex, BiFunction<Matcher, LocalDate, LocalDate> resolve) {
    return new Rule(Pattern.compile(regex), resolve);
  }

  /** Every date phrase of {@code query}, in the order they appear. */
  public List<ResolvedDate> resolve(String query, LocalDate today) {
    String text = query.toLowerCase(Locale.ROOT);
    boolean[] taken = new boolean[text.length()];
    List<int[]> spans = new ArrayList<>();
    List<ResolvedDate> found = new ArrayList<>();
    for (Rule rule : RULES) {
      Matcher m = rule.pattern().matcher(text);
      while (m.find()) {
        if (overlaps(taken, m.start(), m.end())) {
          continue;
        }
        LocalDate date = safely(rule, m, today);
        if (date == null) {
          continue;
        }
        java.util.Arrays.fill(taken, m.start(), m.end(), true);
        spans.add(new int[] {m.start(), found.size()});
        boolean deadline = DEADLINE_CUE.matcher(text.substring(0, m.start())).find();
        found.add(new ResolvedDate(m.group(), date, deadline));
      }
    }
    spans.sort(Comparator.comparingInt(s -> s[0]));
    return spans.stream().map(s -> found.get(s[1])).toList();
  }

  private static @org.jspecify.annotations.Nullable LocalDate safely(
      Rule rule, Matcher m, LocalDate today) {
    try {
      return rule.resolve().apply(m, today);
    } catch (java.time.DateTimeException e) {
      return null; // "2025-13-45" is not a date; leave it to the model
    }
  }

  private static boolean overlaps(boolean[] taken, int start, int end) {
    for (int i = start; i < end; i++) {
      if (taken[i]) {
        return true;
      }
    }
    return false;
  }

  private static LocalDate plus(Matcher m, LocalDate d) {
    String n = m.group(1);
    int count = NUMBERS.containsKey(n) ? NUMBERS.get(n) : Integer.parseInt(n);
    return switch (m.group(2)) {
      case "day" -> d.plusDays(count);
      case "week" -> d.plusWeeks(count);
      case "month" -> d.plusMonths(count);
      default -> d.plusYears(count);
    };
  }

  private static LocalDate endOf(Matcher m, LocalDate d) {
    return switch (m.group(1)) {
      case "day" -> d;
      case "week" -> d.with(TemporalAdjusters.nextOrSame(DayOfWeek.SUNDAY));
      case "month" -> d.with(TemporalAdjusters.lastDayOfMonth());
      default -> d.with(TemporalAdjusters.lastDayOfYear());
    };
  }

  private static LocalDate nextPeriod(Matcher m, LocalDate d) {
    return switch (m.group(1)) {
      case "week" -> d.with(TemporalAdjusters.next(DayOfWeek.MONDAY));
      case "month" -> d.with(TemporalAdjusters.firstDayOfNextMonth());
      default -> d.with(TemporalAdjusters.firstDayOfNextYear());
    };
  }

  private static LocalDate weekday(Matcher m, LocalDate d) {
    DayOfWeek day = DayOfWeek.valueOf(m.group(2).toUpperCase(Locale.ROOT));
    return "next".equals(m.group(1)) ? d.with(TemporalAdjusters.next(day)) : onOrAfter(d, day);
  }

  private static LocalDate onOrAfter(LocalDate d, DayOfWeek day) {
    return d.with(TemporalAdjusters.nextOrSame(day));
  }
}
