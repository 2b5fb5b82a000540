package io.nyx.export;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Replaces secrets and personal data in text by typed placeholders ({@code <EMAIL>}, …), rule by
 * rule in order ({@link ScrubRule}), counting the replacements of each. Placeholders contain no
 * digits, {@code @} or long runs, so a later rule never rewrites an earlier one's work. Thread-safe
 * (no state of its own; the counts belong to the caller).
 */
public final class Scrubber {
  private final List<ScrubRule> rules;

  public Scrubber(List<ScrubRule> rules) {
    this.rules = List.copyOf(rules);
  }

  public List<ScrubRule> rules() {
    return rules;
  }

  /**
   * {@code text} with every accepted match replaced; {@code counts[i]} grows by the matches of rule
   * {@code i} (one slot per rule, in order).
   */
  public String scrub(String text, long[] counts) {
    String out = text;
    for (int i = 0; i < rules.size(); i++) {
      ScrubRule r = rules.get(i);
      Matcher m = r.pattern().matcher(out);
      if (!m.find()) {
        continue;
      }
      StringBuilder b = new StringBuilder(out.length());
      do {
        if (r.check().accepts(m.group())) {
          m.appendReplacement(b, Matcher.quoteReplacement(r.placeholder()));
          counts[i]++;
        }
      } while (m.find());
      m.appendTail(b);
      out = b.toString();
    }
    return out;
  }

  /** The counts by rule name, in rule order. */
  public Map<String, Long> named(long[] counts) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (int i = 0; i < rules.size(); i++) {
      out.put(rules.get(i).name(), counts[i]);
    }
    return out;
  }
}
