package io.nyx.export;

import io.nyx.settings.SettingException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One kind of secret or personal data the export replaces: every match of {@code pattern} that
 * {@code check} accepts becomes {@code placeholder}, and is counted under {@code name} in the
 * manifest.
 */
public record ScrubRule(String name, Pattern pattern, String placeholder, Check check) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,31}");

  /** A second look at a match, for what a regular expression cannot say. */
  public enum Check {
    /** Every match. */
    NONE,
    /** Card numbers: 13 to 19 digits whose Luhn checksum holds (9 in 10 random numbers fail). */
    LUHN,
    /** Phone numbers: 9 to 15 digits (E.164's most), and not an ISO date such as 2026-05-01. */
    PHONE;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    boolean accepts(CharSequence match) {
      return switch (this) {
        case NONE -> true;
        case LUHN -> luhn(match);
        case PHONE -> phone(match);
      };
    }
  }

  public ScrubRule {
    if (!NAME.matcher(name).matches()) {
      throw new SettingException("name", name, "a name matching " + NAME.pattern());
    }
    if (pattern.matcher("").matches()) {
      throw new SettingException(
          "pattern", pattern.pattern(), "a regular expression that does not match empty text");
    }
    if (placeholder.isEmpty()) {
      throw new SettingException("placeholder", placeholder, "non-empty text such as <EMAIL>");
    }
  }

  /**
   * @throws SettingException naming {@code pattern} when {@code regex} does not compile, or the
   *     field that is wrong
   */
  public static ScrubRule of(String name, String regex, String placeholder, String check) {
    Pattern p;
    try {
      p = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new SettingException(
          "pattern", regex, "a Java regular expression (" + e.getDescription() + ")");
    }
    Check c;
    try {
      c = Check.valueOf(check.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new SettingException("check", check, "one of none, luhn, phone");
    }
    return new ScrubRule(name, p, placeholder, c);
  }

  /**
   * The shipped rules, in the order they run (keys before the generic secret rule, so a key is
   * named as one; cards before phones, whose digits they share):
   *
   * <ul>
   *   <li>{@code api_key}: tokens with a known key prefix: {@code sk-}/{@code pk-}/{@code rk-}
   *       (OpenAI, Stripe and alike), Nyx's own {@code nyx_} keys, GitHub {@code ghp_}-style
   *       tokens, AWS access key ids ({@code AKIA…}), Slack {@code xox?-} tokens, and {@code
   *       Bearer} credentials;
   *   <li>{@code email};
   *   <li>{@code card}: 13 to 19 digits, spaces or dashes between, that pass the Luhn check;
   *   <li>{@code phone}: an optional {@code +} country code and area code in parentheses, then
   *       groups of digits separated by spaces or dashes, or {@code +} and 8 to 15 digits; 9 to 15
   *       digits in all, and not an ISO date;
   *   <li>{@code secret}: long hex or base64 runs (32+ characters of {@code [A-Za-z0-9+/_-]} with a
   *       digit, a lower-case and an upper-case letter, or 32+ hex digits). Also catches some long
   *       mixed-case paths: better a lost path than a kept password.
   * </ul>
   */
  public static final List<ScrubRule> DEFAULTS =
      List.of(
          of(
              "api_key",
              "(?<![A-Za-z0-9_-])(?:sk|pk|rk)-[A-Za-z0-9_-]{16,}"
                  + "|(?<![A-Za-z0-9_])nyx_[A-Za-z0-9_-]{40,}"
                  + "|(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{30,}"
                  + "|(?<![A-Z0-9])AKIA[0-9A-Z]{16}(?![A-Z0-9])"
                  + "|(?<![A-Za-z0-9])xox[abprs]-[A-Za-z0-9-]{10,}"
                  + "|(?<![A-Za-z])[Bb]earer\\s+[A-Za-z0-9._~+/-]{20,}=*",
              "<API_KEY>",
              "none"),
          of("email", "[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\\.)+[A-Za-z]{2,}", "<EMAIL>", "none"),
          of("card", "(?<![0-9+])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])", "<CARD>", "luhn"),
          of(
              "phone",
              "(?<![\\w+])(?:\\+[0-9]{1,3}[ -]?)?(?:\\([0-9]{1,4}\\)[ -]?)?[0-9]{2,5}"
                  + "(?:[ -][0-9]{2,8}){1,4}(?![\\w])"
                  + "|(?<![\\w+])\\+[0-9]{8,15}(?![\\w])",
              "<PHONE>",
              "phone"),
          of(
              "secret",
              "(?<![A-Za-z0-9+/_-])(?:(?=[A-Za-z0-9+/_-]*[0-9])(?=[A-Za-z0-9+/_-]*[a-z])"
                  + "(?=[A-Za-z0-9+/_-]*[A-Z])[A-Za-z0-9+/_-]{32,}={0,2}|[0-9a-fA-F]{32,})"
                  + "(?![A-Za-z0-9+/_=-])",
              "<SECRET>",
              "none"));

  private static boolean luhn(CharSequence match) {
    int sum = 0;
    int digits = 0;
    for (int i = match.length() - 1; i >= 0; i--) {
      char ch = match.charAt(i);
      if (ch < '0' || ch > '9') {
        continue;
      }
      int d = ch - '0';
      if (digits++ % 2 == 1) {
        d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      }
      sum += d;
    }
    return digits >= 13 && digits <= 19 && sum % 10 == 0;
  }

  private static final Pattern ISO_DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}.*");

  private static boolean phone(CharSequence match) {
    int digits = 0;
    for (int i = 0; i < match.length(); i++) {
      if (Character.isDigit(match.charAt(i))) {
        digits++;
      }
    }
    return digits >= 9 && digits <= 15 && !ISO_DATE.matcher(match).matches();
  }
}
