package io.nyx.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits a document into chunks of at most {@code maxChars} for embedding. Paragraphs (blank-line
 * separated; Markdown headings start a new one) are the unit: small neighbours are joined, a long
 * paragraph is split between sentences, and a sentence longer than the limit between words (a word
 * longer than the limit is cut). Whitespace inside a chunk is normalised. Pure and thread-safe.
 */
public final class Chunker {
  private static final Pattern PARAGRAPH = Pattern.compile("\\n\\s*\\n|\\n(?=#{1,6}\\s)");
  private static final Pattern SENTENCE = Pattern.compile("(?<=[.!?…])\\s+");
  private static final Pattern SPACE = Pattern.compile("\\s+");

  private final int maxChars;

  public Chunker(int maxChars) {
    if (maxChars < 20) {
      throw new IllegalArgumentException("chunk size must be >= 20 characters but was " + maxChars);
    }
    this.maxChars = maxChars;
  }

  public List<String> chunks(String document) {
    List<String> pieces = new ArrayList<>();
    for (String paragraph : PARAGRAPH.split(document.replace("\r\n", "\n"))) {
      String p = SPACE.matcher(paragraph).replaceAll(" ").strip();
      if (!p.isEmpty()) {
        pieces.addAll(p.length() <= maxChars ? List.of(p) : split(p, SENTENCE, " "));
      }
    }
    return join(pieces);
  }

  /** Splits at {@code boundary}, packing the parts into pieces that fit. */
  private List<String> split(String text, Pattern boundary, String glue) {
    List<String> parts = new ArrayList<>();
    for (String part : boundary.split(text)) {
      if (part.length() <= maxChars) {
        parts.add(part);
      } else if (boundary == SENTENCE) {
        parts.addAll(split(part, SPACE, " "));
      } else {
        for (int i = 0; i < part.length(); i += maxChars) {
          parts.add(part.substring(i, Math.min(part.length(), i + maxChars)));
        }
      }
    }
    return pack(parts, glue);
  }

  private List<String> join(List<String> paragraphs) {
    return pack(paragraphs, "\n\n");
  }

  private List<String> pack(List<String> parts, String glue) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String part : parts) {
      if (!current.isEmpty() && current.length() + glue.length() + part.length() > maxChars) {
        out.add(current.toString());
        current.setLength(0);
      }
      if (!current.isEmpty()) {
        current.append(glue);
      }
      current.append(part);
    }
    if (!current.isEmpty()) {
      out.add(current.toString());
    }
    return out;
  }
}
