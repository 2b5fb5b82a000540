package io.nyx.bench;

import java.util.List;

/**
 * Realistic user queries, cycled by {@link RouteBenchmark}: half short questions, half ~100-word
 * messages (about 128 MiniLM word-piece tokens, the upper bound). {@code spread} takes the
 * long messages' openings at evenly spaced lengths instead, so every length up to 128 tokens is
 * equally common.
 */
final class Queries {
  private Queries() {}

  static final List<String> ALL =
      List.of(
          "how do I reverse a linked list in Java?",
          "My kayak has a crack in the hull near the seat. I bought it second-hand last summer and"
              + " have used it maybe ten times on a calm lake. The crack is about five centimetres"
              + " long and lets in a little water after an hour of paddling. I have some epoxy and"
              + " fibreglass cloth left over from another project, but I am not sure whether that"
              + " works on polyethylene plastic, or whether I need plastic welding instead. What is"
              + " the safest way to repair it so it lasts, and should I sand the area first or"
              + " clean it with alcohol?",
          "what's a good tomato sauce for pasta",
          "I am writing a cover letter for a junior data analyst position at a logistics company."
              + " I studied economics, did an internship where I built dashboards in Excel and a"
              + " little SQL, and I taught myself Python over the last year with online courses. I"
              + " do not have much professional experience and I am worried it shows. Could you"
              + " help me structure the letter so it highlights what I can actually do, sounds"
              + " confident without exaggerating, and fits on one page? The hiring manager's name"
              + " is in the posting, and they mention teamwork and curiosity twice.",
          "when is the next solar eclipse visible from Europe",
          "Our team's nightly batch job started failing last week with an out of memory error in"
              + " the JVM. It reads about two million rows from Postgres, groups them by customer,"
              + " and writes a report to S3. Nothing changed in the code as far as I can tell, but"
              + " the data grew by maybe thirty percent. We run it with a two gigabyte heap in a"
              + " container limited to three gigabytes. Should I stream the rows with a cursor"
              + " instead of loading them, raise the heap, or is something else likely going on?"
              + " How would you investigate it step by step?",
          "explain the difference between a virus and a bacterium",
          "I have been feeling tired every afternoon for about a month. I sleep around seven"
              + " hours, drink two coffees in the morning, and eat a sandwich at my desk for lunch."
              + " I sit most of the day and only walk on weekends. There is no fever or other"
              + " symptom that I notice, but my concentration drops badly after three o'clock and"
              + " I make mistakes at work. Is this likely to be my routine, something like low"
              + " iron, or should I see a doctor? What simple changes could I try first for two"
              + " weeks to see if they help?");

  /** Openings per long message in {@code spread}, from a few words to the whole message. */
  static final int SPREAD_STEPS = 16;

  /**
   * {@code mixed}: all; {@code short}: the questions; {@code long}: the ~128-token messages; {@code
   * spread}: each long message's first n words for {@link #SPREAD_STEPS} evenly spaced n up to all
   * of it (about 8 to 128 tokens).
   */
  static List<String> of(String mix) {
    return switch (mix) {
      case "mixed" -> ALL;
      case "short" -> java.util.stream.IntStream.range(0, ALL.size())
          .filter(i -> ALL.get(i).length() < 200)
          .mapToObj(ALL::get)
          .toList();
      case "long" -> java.util.stream.IntStream.range(0, ALL.size())
          .filter(i -> ALL.get(i).length() >= 200)
          .mapToObj(ALL::get)
          .toList();
      case "spread" -> of("long").stream().flatMap(Queries::openings).toList();
      default ->
          throw new IllegalArgumentException("mix must be mixed, short, long or spread: " + mix);
    };
  }

  private static java.util.stream.Stream<String> openings(String message) {
    String[] words = message.split(" ");
    return java.util.stream.IntStream.rangeClosed(1, SPREAD_STEPS)
        .mapToObj(k -> java.util.Arrays.copyOf(words, words.length * k / SPREAD_STEPS))
        .map(opening -> String.join(" ", opening));
  }
}
