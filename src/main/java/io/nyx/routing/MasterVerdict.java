package io.nyx.routing;

import org.jspecify.annotations.Nullable;

/**
 * What the master model contributed to a decision. {@code outcome} is one of: {@code not_asked};
 * {@code agreed} / {@code overruled} (it picked the semantic winner / another specialist, or any
 * specialist when the router had abstained); {@code none} (it said no specialist fits); or, when
 * its answer was not used and the semantic decision stands, {@code timeout}, {@code failed} (an
 * error from the backend) or {@code garbage} (not valid JSON, a name outside the enum, a missing or
 * out-of-range field).
 *
 * @param choice the master's pick ("none" for abstain), or null when it gave none
 * @param confidence the master's stated confidence in [0,1], 0 when it gave none
 * @param detail a short why for failures (the backend's message, the validation error), else ""
 * @param trigger why the master was asked: {@code close_race} (the top two within {@code
 *     master_margin}), {@code near_threshold} (the top score within {@code master_band} of the
 *     abstain threshold), {@code always} (mode master); "" when not asked
 */
public record MasterVerdict(
    boolean asked,
    String outcome,
    @Nullable String choice,
    double confidence,
    String detail,
    String trigger) {

  public static final MasterVerdict NOT_ASKED = new MasterVerdict(false, "not_asked", null, 0, "");

  /** A verdict whose trigger is not yet known (the router adds it). */
  public MasterVerdict(
      boolean asked, String outcome, @Nullable String choice, double confidence, String detail) {
    this(asked, outcome, choice, confidence, detail, "");
  }

  /** This verdict, recorded as asked because of {@code why}. */
  MasterVerdict triggeredBy(String why) {
    return new MasterVerdict(asked, outcome, choice, confidence, detail, why);
  }

  /** True when the master's answer was used (it answered validly). */
  public boolean answered() {
    return asked && choice != null;
  }

  static MasterVerdict failure(String outcome, String detail) {
    return new MasterVerdict(true, outcome, null, 0, detail);
  }
}
