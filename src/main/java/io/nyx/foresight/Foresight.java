package io.nyx.foresight;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Moira's prompt structure and its parser. The structure asks for scenarios on their own lines,
 * {@code SCENARIO: <what happens> | LIKELIHOOD: <0-100>%}, so the answer's predictions can be
 * stored and scored later without a second model call. Pure and thread-safe.
 */
public final class Foresight {
  public static final String STRUCTURE =
      "Reason about futures and consequences. Give two to four distinct scenarios, each on its own"
          + " line as 'SCENARIO: <what happens and its consequences> | LIKELIHOOD: <0-100>%',"
          + " most likely first, with likelihoods that sum to at most 100%. Then say which early"
          + " signs would tell them apart and what the person could do now.";

  private static final Pattern LINE =
      Pattern.compile(
          "(?im)^\\s*(?:[-*]\\s*|\\d+[.)]\\s*)?scenario\\s*\\d*\\s*:\\s*(.+?)\\s*\\|\\s*"
              + "likelihood\\s*:\\s*(\\d{1,3}(?:\\.\\d+)?)\\s*(%?)");

  /** The scenarios the answer gave, in order; empty when it did not follow the structure. */
  public List<Scenario> parse(String answer) {
    List<Scenario> out = new ArrayList<>();
    Matcher m = LINE.matcher(answer);
    while (m.find()) {
      double v = Double.parseDouble(m.group(2));
      double p = m.group(3).isEmpty() && v <= 1 ? v : v / 100;
      if (p <= 1) {
        out.add(new Scenario(m.group(1), p));
      }
    }
    return out;
  }

  /** The scenario an outcome is judged against: the most likely one (first among equals). */
  public static Optional<Scenario> headline(List<Scenario> scenarios) {
    return scenarios.stream().max(Comparator.comparingDouble(Scenario::likelihood));
  }
}
