package io.nyx.export;

import io.nyx.settings.SettingException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How an export cleans its data ({@code export.*} in the configuration).
 *
 * @param nearDuplicateThreshold cosine similarity of two prompts' embeddings (their turns without
 *     the system prompt) at or above which the later example of a specialist is a near duplicate of
 *     a kept one and is left out; 1 turns the embedding check off (exact duplicates are always left
 *     out). 0.95 keeps rephrasings of different questions and drops rewordings of one.
 * @param scrub the rules applied to every text, in order
 */
public record ExportSettings(double nearDuplicateThreshold, List<ScrubRule> scrub) {
  public static final double DEFAULT_NEAR_DUPLICATE_THRESHOLD = 0.95;

  /** The shipped rules and threshold. */
  public static final ExportSettings DEFAULT =
      new ExportSettings(DEFAULT_NEAR_DUPLICATE_THRESHOLD, ScrubRule.DEFAULTS);

  public ExportSettings {
    if (!(nearDuplicateThreshold >= 0.5 && nearDuplicateThreshold <= 1)) {
      throw new SettingException(
          "near_duplicate_threshold", nearDuplicateThreshold, "in [0.5, 1] (1 = off)");
    }
    Set<String> names = new HashSet<>();
    for (ScrubRule r : scrub) {
      if (!names.add(r.name())) {
        throw new SettingException("scrub", r.name(), "rules with distinct names");
      }
    }
    scrub = List.copyOf(scrub);
  }

  /** Whether near duplicates are looked for (the threshold is below 1). */
  public boolean nearDuplicates() {
    return nearDuplicateThreshold < 1;
  }

  /**
   * The rules of a configuration: the shipped ones unless {@code defaults} is false, each replaced
   * in place by an own rule of the same name, then the other own rules in their order.
   */
  public static List<ScrubRule> rules(boolean defaults, List<ScrubRule> own) {
    List<ScrubRule> out = new ArrayList<>();
    List<ScrubRule> rest = new ArrayList<>(own);
    if (defaults) {
      for (ScrubRule d : ScrubRule.DEFAULTS) {
        ScrubRule replacement =
            own.stream().filter(r -> r.name().equals(d.name())).findFirst().orElse(d);
        out.add(replacement);
        rest.remove(replacement);
      }
    }
    out.addAll(rest);
    return out;
  }
}
