package io.nyx.text;

import java.util.Locale;
import java.util.Optional;

/**
 * Text PostgreSQL can store. A {@code text} value cannot hold U+0000 (the server answers SQLSTATE
 * 22021, "invalid byte sequence for encoding UTF8: 0x00"), nor can a {@code jsonb} string ({@code
 * \u0000} is SQLSTATE 22P05), and a UTF-16 surrogate without its partner is no Unicode character at
 * all, so it has no UTF-8 encoding (Java's encoder writes '?', Jackson's byte writer refuses it).
 * Such text is refused where it enters ({@link #defect}: the API's JSON and query parameters, the
 * import commands); model output, which Nyx does not control and has already sent on, is stored
 * with each such unit replaced by U+FFFD ({@link #clean}).
 */
public final class StorableText {
  /** What replaces a NUL or an unpaired surrogate in text that must be stored anyway. */
  public static final char REPLACEMENT = '\uFFFD';

  private StorableText() {}

  /**
   * The first unit of a string that cannot be stored.
   *
   * @param index its UTF-16 index in the string, from 0
   * @param unit U+0000 or an unpaired surrogate (U+D800..U+DFFF)
   */
  public record Defect(int index, char unit) {
    /** For an error message: what and where, e.g. "contains U+0000 (NUL) at char 3, ...". */
    public String describe() {
      String what =
          unit == 0
              ? "U+0000 (NUL)"
              : "an unpaired surrogate U+" + Integer.toHexString(unit).toUpperCase(Locale.ROOT);
      return "contains " + what + " at char " + index + ", which cannot be stored";
    }
  }

  /** The first NUL or unpaired surrogate in {@code s}, if any. */
  public static Optional<Defect> defect(CharSequence s) {
    int i = firstDefect(s);
    return i < 0 ? Optional.empty() : Optional.of(new Defect(i, s.charAt(i)));
  }

  /** {@code s} with every NUL and unpaired surrogate replaced by U+FFFD; {@code s} when clean. */
  public static String clean(String s) {
    int i = firstDefect(s);
    if (i < 0) {
      return s;
    }
    char[] out = s.toCharArray();
    for (; i < out.length; i++) {
      if (out[i] == 0 || Character.isSurrogate(out[i])) {
        if (paired(s, i)) {
          i++; // a valid pair: keep both halves
        } else {
          out[i] = REPLACEMENT;
        }
      }
    }
    return new String(out);
  }

  /** Index of the first NUL or unpaired surrogate, or -1. */
  private static int firstDefect(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0) {
        return i;
      }
      if (Character.isSurrogate(c)) {
        if (!paired(s, i)) {
          return i;
        }
        i++;
      }
    }
    return -1;
  }

  /** Whether the surrogate at {@code i} is the high half of a pair (its low half follows). */
  private static boolean paired(CharSequence s, int i) {
    return Character.isHighSurrogate(s.charAt(i))
        && i + 1 < s.length()
        && Character.isLowSurrogate(s.charAt(i + 1));
  }
}
