package io.nyx.export;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * One training example, before it becomes a line of some {@link Format}. Its text (the prompt and
 * the completions) may be rewritten ({@link #map}, for scrubbing); where it came from is kept
 * beside it for the line's metadata and the manifest.
 */
public sealed interface Example {
  /** The stored exchange whose chat is the prompt; its conversation decides the split. */
  Exchange source();

  /** The chat before the completion(s): system prompt with retrieved context, then the turns. */
  List<Turn> prompt();

  /**
   * The same example with every text (prompt contents and completions) passed through {@code f}.
   */
  Example map(UnaryOperator<String> f);

  /** The completions, in the line's order (one, or chosen then rejected). */
  List<String> completions();

  /** The stored answers whose text the example holds (a correction is not one). */
  List<Exchange> answers();

  /** The reward the manifest's histogram counts it under; null for a correction. */
  @Nullable Double reward();

  /** Whether the completion was written by a rater rather than answered by a model. */
  default boolean corrected() {
    return correction() != null;
  }

  /** The correction that gave this example its preferred completion, if one did. */
  @Nullable Correction correction();

  /**
   * A supervised example: the prompt and the answer to learn. The answer is the stored one, or a
   * rater's correction of it ({@code correction} not null).
   */
  record Demonstration(
      Exchange source, List<Turn> prompt, String answer, @Nullable Correction correction)
      implements Example {
    public Demonstration {
      prompt = List.copyOf(prompt);
    }

    static Demonstration of(Exchange e) {
      return new Demonstration(e, e.messages(), e.response(), null);
    }

    static Demonstration of(Correction c) {
      return new Demonstration(c.of(), c.of().messages(), c.text(), c);
    }

    @Override
    public Demonstration map(UnaryOperator<String> f) {
      return new Demonstration(source, mapTurns(prompt, f), f.apply(answer), correction);
    }

    @Override
    public List<String> completions() {
      return List.of(answer);
    }

    @Override
    public List<Exchange> answers() {
      return correction == null ? List.of(source) : List.of();
    }

    @Override
    public @Nullable Double reward() {
      return correction == null ? source.reward() : null;
    }
  }

  /**
   * A preference pair for one prompt. Either two stored answers to the same conversation ({@code
   * chosenBy} the better, whose chat is the prompt), or a rater's correction preferred over the
   * answer it corrects ({@code chosenBy} null, {@code correction} set).
   */
  record Comparison(
      List<Turn> prompt,
      String chosen,
      String rejected,
      @Nullable Exchange chosenBy,
      Exchange rejectedBy,
      @Nullable Correction correction)
      implements Example {
    public Comparison {
      prompt = List.copyOf(prompt);
    }

    static Comparison of(Exchange better, Exchange worse) {
      return new Comparison(
          better.messages(), better.response(), worse.response(), better, worse, null);
    }

    static Comparison of(Correction c) {
      Exchange e = c.of();
      return new Comparison(e.messages(), c.text(), e.response(), null, e, c);
    }

    @Override
    public Exchange source() {
      return chosenBy != null ? chosenBy : rejectedBy;
    }

    @Override
    public Comparison map(UnaryOperator<String> f) {
      return new Comparison(
          mapTurns(prompt, f),
          f.apply(chosen),
          f.apply(rejected),
          chosenBy,
          rejectedBy,
          correction);
    }

    @Override
    public List<String> completions() {
      return List.of(chosen, rejected);
    }

    @Override
    public List<Exchange> answers() {
      return chosenBy != null ? List.of(chosenBy, rejectedBy) : List.of(rejectedBy);
    }

    /** The chosen answer's reward; null when the chosen side is a correction. */
    @Override
    public @Nullable Double reward() {
      return chosenBy != null ? chosenBy.reward() : null;
    }
  }

  /**
   * An unpaired judgement (KTO): one completion to a prompt and whether it is desirable. A stored
   * answer is desirable at or above the request's {@code min_reward}, undesirable at or below its
   * {@code max_reward} or when a rater corrected it; a correction is desirable.
   */
  record Verdict(
      Exchange source,
      List<Turn> prompt,
      String completion,
      boolean desirable,
      @Nullable Correction correction)
      implements Example {
    public Verdict {
      prompt = List.copyOf(prompt);
    }

    static Verdict of(Exchange e, boolean desirable) {
      return new Verdict(e, e.messages(), e.response(), desirable, null);
    }

    static Verdict of(Correction c) {
      return new Verdict(c.of(), c.of().messages(), c.text(), true, c);
    }

    @Override
    public Verdict map(UnaryOperator<String> f) {
      return new Verdict(source, mapTurns(prompt, f), f.apply(completion), desirable, correction);
    }

    @Override
    public List<String> completions() {
      return List.of(completion);
    }

    @Override
    public List<Exchange> answers() {
      return correction == null ? List.of(source) : List.of();
    }

    @Override
    public @Nullable Double reward() {
      return correction == null ? source.reward() : null;
    }
  }

  private static List<Turn> mapTurns(List<Turn> turns, UnaryOperator<String> f) {
    List<Turn> out = new ArrayList<>(turns.size());
    for (Turn t : turns) {
      out.add(new Turn(t.role(), f.apply(t.content())));
    }
    return out;
  }
}
