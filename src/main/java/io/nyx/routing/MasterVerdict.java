package io.nyx.routing;

import org.jspecify.annotations.Nullable;

/**
 * What the master model contributed to a decision. {@code outcome} is one of: {@code not_asked};
 * {@code agreed} / {@code overruled} (it picked the semantic winner / another specialist); {@code
 * none} (it said no specialist fits); or, when its answer was not used and the semantic decision
 * stands, {@code timeout}, {@code failed} (an error from the backend) or {@code garbage} (not valid
 * JSON, a name outside the enum, a missing or out-of-range field).
 *
 * @param choice the master's pick ("none" for abstain), or null when it gave none
 * @param confidence the master's stated confidence in [0,1], 0 when it gave none
 * @param detail a short why for failures (the backend's message, the validation error), else ""
 */
public record MasterVerdict(
    boolean asked, String outcome, @Nullable String choice, double confidence, String detail) {

  public static final MasterVerdict NOT_ASKED = new MasterVerdict(false, "not_asked", null, 0, "");

  /** True when the master's answer was used (it answered validly). */
  public boolean answered() {
    return asked && choice != null;
  }

  static MasterVerdict failure(String outcome, String detail) {
    return new MasterVerdict(true, outcome, null, 0, detail);
  }
}
